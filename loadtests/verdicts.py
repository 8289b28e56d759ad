"""The verdict thresholds of a load run, apart from Locust (importing Locust patches the standard library
with gevent), so they are tested alone."""

from __future__ import annotations


def judge_verdicts(valid: dict, defective: dict, valid_ack: int, defective_ack: int, min_accepted: float) -> list[str]:
    """The verdict thresholds (pure, tested alone): what the suite meant to be valid is accepted, at
    least ``min_accepted`` of it; every deliberately defective HOSO is refused; nothing acknowledged is
    missing from the verdicts."""
    failures = []
    top = lambda errors: ", ".join(f"{c} × {n}" for c, n in sorted(errors.items(), key=lambda x: -x[1])[:3])  # noqa: E731
    if valid_ack and valid["records"] < valid_ack:
        failures.append(f"chỉ {valid['records']} trong {valid_ack} hồ sơ hợp lệ đã xác nhận có kết quả / "
                        f"only {valid['records']} of {valid_ack} acknowledged valid records have a verdict")
    if valid["records"]:
        share = valid["HOP_LE"] / valid["records"]
        if share < min_accepted:
            failures.append(f"chỉ {share:.1%} hồ sơ hợp lệ được chấp nhận (HOP_LE), cần ≥ {min_accepted:.0%}; "
                            f"lỗi: {top(valid['errors'])} / only {share:.1%} of the valid records were accepted")
    elif valid_ack:
        failures.append("không hồ sơ hợp lệ nào có kết quả / no valid record has a verdict")
    if defective["HOP_LE"]:
        failures.append(f"{defective['HOP_LE']} hồ sơ lỗi có chủ đích lại được chấp nhận / "
                        f"{defective['HOP_LE']} deliberately defective HOSO were accepted")
    if defective_ack and defective["records"] < defective_ack:
        failures.append(f"chỉ {defective['records']} trong {defective_ack} hồ sơ lỗi có chủ đích có kết quả / "
                        f"only {defective['records']} of {defective_ack} defective HOSO have a verdict")
    return failures
