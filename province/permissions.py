"""Who may do what on the province side: one table for every page and API route.  The Sở Y tế decides
(readiness sign-off, targets, settings, the six-monthly report's notes and declared visits); BHXH tỉnh
reads the board and files the campaign reports it owes — it never decides for the Sở Y tế."""

from __future__ import annotations

from sandbox.errors import AuthorisationError

SYT, BHXH = "SYT", "BHXH"
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset({SYT, BHXH}),              # board, facility detail, reports, exports
    "file_report": frozenset({SYT, BHXH}),       # mark a campaign report as filed
    "sign_off": frozenset({SYT}),
    "targets": frozenset({SYT}),
    "settings": frozenset({SYT}),
    "periodic_notes": frozenset({SYT}),
    "declare_visits": frozenset({SYT}),
    "approve_code": frozenset({SYT}),            # step 1: the Sở Y tế gives a facility its code
    "approve_account": frozenset({BHXH}),        # step 2: BHXH gives it a gateway account
}
ACTION_VI = {"sign_off": "xác nhận cơ sở sẵn sàng", "targets": "nạp chỉ tiêu", "settings": "thay đổi thiết lập",
             "periodic_notes": "ghi khó khăn, đề xuất của báo cáo 6 tháng", "declare_visits": "nạp số lượt KCB",
             "file_report": "ghi nhận nộp báo cáo", "read": "xem", "approve_code": "cấp mã cơ sở KCB",
             "approve_account": "cấp tài khoản liên thông"}


def decided(ctx, who, action: str, target: str, **detail) -> None:
    """A province decision taken: into the audit log (who, what, on what, when)."""
    from sandbox.storage import audit
    audit.record(ctx, who.username, who.organisation, action, target, {"province": who.province_code, **detail})


def require(who, action: str) -> None:
    """Refuse (403) an action the caller's organisation may not take."""
    if who.organisation not in PERMISSIONS[action]:
        owner = "BHXH" if PERMISSIONS[action] == {BHXH} else "Sở Y tế"
        raise AuthorisationError(f"{who.organisation_name} không được {ACTION_VI[action]}: việc này của {owner}",
                                 f"{who.organisation} may not {action.replace('_', ' ')}: the {owner} decides")
