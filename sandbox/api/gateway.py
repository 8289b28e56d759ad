"""Handlers of openapi/gateway.yaml: token, submissions, check-in, XML12, results.

Every call may meet a fault profile (sandbox/faults.py) and, while the caller's facility has a
certification session open, is written to the exchange log the conformance checks judge.
"""

from __future__ import annotations

import functools
import logging
import time

import flask

from .. import auth, exchanges, explain, faults, intake
from ..clock import as_utc, wire_time
from ..errors import AuthenticationError, FileTooLargeError, NotFoundError, SandboxError
from ..pipeline.content import content_key
from ..result_codes import ResultCode, info
from ..security import keyed_digest
from ..storage.submissions import get_submission
from .common import answer_errors, client_ip, context, refusal_body

log = logging.getLogger(__name__)


class _Unavailable(Exception):
    """A fault answered with a 5xx status (the proxy in front of a real gateway does this)."""

    def __init__(self, code: ResultCode):
        super().__init__(code.value)
        self.result_code = code


def recorded(operation: str):
    """Write the call to the exchange log of the caller's facility's open certification session."""
    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            flask.g.exchange = {}
            try:
                out = fn(*args, **kwargs)
            except _Unavailable as exc:      # a fault answered with a 5xx status
                out = _fault_answer(exc)
            if isinstance(out, flask.Response):
                body, status = (out.get_json(silent=True) or {}), out.status_code
            else:
                body, status = out if isinstance(out, tuple) else (out, 200)
            note = flask.g.exchange
            username = note.get("username", "")
            token = _token_digest()
            # Attributed to a facility only when authenticated, or when the (refused) token is one this
            # facility's session already used: a token's HMAC cannot be forged by someone else.
            facility = note.get("facility") or exchanges.facility_of_token(context(), token)
            if facility and isinstance(body, dict):
                ctx = context()
                session = note.get("session", exchanges.LOOK_UP)
                if session is exchanges.LOOK_UP:
                    session = exchanges.open_session(ctx, facility)
                if session is not None:   # the content key is worked out only for a session's log
                    exchanges.record(ctx, facility, session_id=session,
                                     username=username, operation=operation, http_status=status,
                                     ma_ket_qua=str(body.get("maKetQua", "")), ma_loi=str(body.get("maLoi", "")),
                                     ma_giao_dich=body.get("maGiaoDich") or note.get("ma_giao_dich", ""),
                                     content_sha256=content_key(note.get("content", ""),
                                                                ctx.settings.max_decoded_file_bytes),
                                     token_digest=token, fault=note.get("fault", ""), subject=note.get("subject", ""))
            return out
        return wrapper
    return decorate


def _token_digest() -> str:
    headers = flask.request.headers
    if not headers.get("accessToken"):
        return ""
    return keyed_digest(context().settings.secret_key, headers.get("accessToken", ""), headers.get("tokenId", ""))


def _fault(username: str, facility: str, operation: str, caller: auth.Caller | None = None) -> str:
    """The fault for an *authenticated* caller (nobody can spend another facility's faults or write to
    its session's exchange log by claiming its username)."""
    ctx = context()
    flask.g.exchange.update(username=username, facility=facility)
    armed = None
    if caller is not None and caller.fault_armed is not None:
        armed = caller.fault_armed
        flask.g.exchange["session"] = caller.session_id     # the exchange log needs no second look-up
    name = faults.pending(ctx, username, facility, operation, flask.request.headers.get(faults.HEADER), armed)
    flask.g.exchange["fault"] = name
    return name


def _refuse_by_fault(name: str) -> None:
    if name in ("burst_503", "maintenance"):
        raise _Unavailable(ResultCode.MAINTENANCE if name == "maintenance" else ResultCode.UNAVAILABLE)
    if name == "burst_502":
        raise _Unavailable(ResultCode.BAD_GATEWAY)
    if name == "peak_1001":
        raise FileTooLargeError("giới hạn giờ cao điểm (fault peak_1001)", "peak-hour limit (fault peak_1001)")


def _fault_answer(exc: _Unavailable):
    ctx = context()
    entry = info(exc.result_code)
    return refusal_body(exc.result_code, entry.vi, entry.en, ctx.clock.now()), entry.http_status


@recorded("token")
@answer_errors
def take_token(body: dict):
    ctx = context()
    issued = auth.take_token(ctx, str(body.get("username", "")).strip(), str(body.get("password", "")),
                             client_ip())
    if _fault(issued.username, exchanges.facility_of(ctx, issued.username), faults.ANY) == "maintenance":
        raise _Unavailable(ResultCode.MAINTENANCE)
    return {"maKetQua": ResultCode.OK.value, "thongDiep": "Lấy token thành công",
            "APIKey": {"access_token": issued.access_token, "id_token": issued.id_token,
                       "token_type": "Bearer", "username": issued.username,
                       "expires_in": issued.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")}}


@answer_errors
def _submit(endpoint_name: str, body: dict):
    ctx = context()
    headers = {k: flask.request.headers.get(k) for k in ("accessToken", "tokenId", "passwordHash")}
    flask.g.exchange["content"] = str(body.get("fileHSBase64") or "")   # keyed only if a session logs it
    try:
        caller = auth.authenticate(ctx, headers.get("accessToken"), headers.get("tokenId"),
                                   headers.get("passwordHash"), client_ip())
    except SandboxError as exc:   # attribute a token refusal to the account the form names
        if exc.facts is not None:
            exc.facts.setdefault("username", str(body.get("username") or "").strip())
        raise
    fault = _fault(caller.username, caller.facility_code, faults.SUBMISSION, caller)
    _refuse_by_fault(fault)
    if fault == "token_refused":
        auth.withdraw_token(ctx, headers.get("accessToken"), headers.get("tokenId"))
        raise AuthenticationError("token đã bị thu hồi giữa chừng (fault token_refused): lấy token mới",
                                  "token withdrawn mid-batch (fault token_refused): take a new token",
                                  code=ResultCode.TOKEN_EXPIRED)
    if fault == "slow":
        time.sleep(ctx.settings.fault_slow_seconds)
    receipt = intake.receive(ctx, endpoint_name, headers, body, client_ip(), caller=caller)
    log.info("received %s on %s for %s", receipt.transaction_id, endpoint_name, receipt.caller.facility_code)
    worker = flask.current_app.extensions.get("skdt_worker")
    if ctx.settings.processing_mode == "inline":
        from ..pipeline.service import process_submission
        process_submission(ctx, receipt.transaction_id)
    elif worker is not None:
        worker.notify()
    return {"maKetQua": ResultCode.OK.value, "maGiaoDich": receipt.transaction_id,
            "thoiGianTiepNhan": wire_time(receipt.received_at),
            "thongDiep": "Tiếp nhận thành công, tra cứu kết quả theo mã giao dịch"}


def _sandbox_caller(ctx):
    """The sandbox-only reads (/api/sandbox/…): the account's username and password hash, no token."""
    headers = flask.request.headers
    return auth.check_login(ctx, (headers.get("username") or "").strip(), headers.get("passwordHash") or "",
                            client_ip())


@answer_errors
def refusals():
    ctx = context()
    caller = _sandbox_caller(ctx)
    return {"maKetQua": ResultCode.OK.value, "maCSKCB": caller.facility_code,
            "tuChoi": explain.recent(ctx, caller.facility_code),
            "chungThu": explain.certificates(ctx, caller.facility_code)}


@answer_errors
def comparisons():
    """Shadow mode: the facility's own comparisons with the real gateway (sandbox/shadow/)."""
    from ..shadow.proxy import report
    ctx = context()
    caller = _sandbox_caller(ctx)
    return {"maKetQua": ResultCode.OK.value, "maCSKCB": caller.facility_code,
            **report(ctx, facility=caller.facility_code).as_json()}


@recorded("submit_hoso_qd130")
def submit_hoso_qd130(body: dict):
    return _submit("guiHoSoXmlQD130", body)


@recorded("submit_hoso_qd4750")
def submit_hoso_qd4750(body: dict):
    return _submit("guiHoSoXmlQD4750", body)


@recorded("submit_hoso_qd3176")
def submit_hoso_qd3176(body: dict):
    return _submit("guiHoSoXmlQD3176", body)


@recorded("checkin_qd130")
def checkin_qd130(body: dict):
    return _submit("checkInKcbQd130", body)


@recorded("checkin_qd4750")
def checkin_qd4750(body: dict):
    return _submit("checkInKcbQd4750", body)


@recorded("checkin_qd3176")
def checkin_qd3176(body: dict):
    return _submit("checkInKcbQd3176", body)


@recorded("submit_gdyk")
def submit_gdyk(body: dict):
    return _submit("guiDuLieuGdykQd130", body)


def render_result(sub) -> dict:
    """The ketQuaTiepNhan answer for one submission (also used by the portal page)."""
    from ..pipeline.findings import Finding
    wire = lambda items: [Finding.from_json(f).to_wire() for f in items]  # noqa: E731
    answer = {"maKetQua": ResultCode.OK.value, "maGiaoDich": sub.id, "trangThai": sub.status,
              "loaiHoSo": sub.loai_ho_so, "chucNang": sub.endpoint,
              "thoiGianTiepNhan": wire_time(sub.received_at),
              "thoiGianXuLy": wire_time(sub.processed_at) if sub.processed_at else None,
              "dsLoi": wire(sub.findings or []),
              "dsHoSo": [{"maLk": r["maLk"], "trangThai": r["trangThai"], "xuLy": r["xuLy"],
                          "dsLoi": wire(r["findings"])} for r in (sub.records or [])]}
    answer["phanHoiTuDong"] = feedback(sub.received_at, answer)
    return answer


def feedback(received_at, answer: dict) -> list[dict]:
    """TT 12/2026/TT-BTC: by when the real gateway answers each class of finding present (6 h late
    submission, 24 h structure and per-field format, 48 h summary/detail mismatch, 7 days content)."""
    from datetime import timedelta
    from ..pipeline.findings import FEEDBACK_HOURS, FEEDBACK_VI
    classes = {f["nhomPhanHoi"] for f in answer["dsLoi"]} | \
        {f["nhomPhanHoi"] for h in answer["dsHoSo"] for f in h["dsLoi"]}
    return [{"nhom": c, "moTa": FEEDBACK_VI[c], "chamNhat": wire_time(as_utc(received_at) + timedelta(hours=FEEDBACK_HOURS[c])),
             "canCu": "TT 12/2026/TT-BTC"} for c in FEEDBACK_HOURS if c in classes]


RESULTS_KEPT_DAYS = 60   # BHXH guide of 07/01/2026 (calendar BHXH-PL01-2026): results viewable 60 days


@recorded("result")
@answer_errors
def result(maGiaoDich: str):
    ctx = context()
    headers = flask.request.headers
    caller = auth.authenticate(ctx, headers.get("accessToken"), headers.get("tokenId"),
                               headers.get("passwordHash"), client_ip())
    flask.g.exchange["ma_giao_dich"] = maGiaoDich.strip()[:40]
    fault = _fault(caller.username, caller.facility_code, faults.RESULT, caller)
    if fault == "maintenance":
        raise _Unavailable(ResultCode.MAINTENANCE)
    with ctx.db.read() as s:
        sub = get_submission(s, maGiaoDich.strip())
        # Another facility's transaction is answered exactly like an unknown one.
        if sub is None or sub.facility_code != caller.facility_code:
            raise NotFoundError(f"không có giao dịch {maGiaoDich} của cơ sở {caller.facility_code}",
                                f"no transaction {maGiaoDich} for facility {caller.facility_code}")
        if (ctx.clock.now() - as_utc(sub.received_at)).days >= RESULTS_KEPT_DAYS:
            raise NotFoundError(f"giao dịch {maGiaoDich} đã quá {RESULTS_KEPT_DAYS} ngày: kết quả chỉ xem được "
                                f"{RESULTS_KEPT_DAYS} ngày (hướng dẫn BHXH 07/01/2026)",
                                f"transaction {maGiaoDich} is over {RESULTS_KEPT_DAYS} days old: results are kept "
                                f"{RESULTS_KEPT_DAYS} days (BHXH guide of 07/01/2026)")
        answer = render_result(sub)
        lagging = (ctx.clock.now() - as_utc(sub.received_at)).total_seconds() < ctx.settings.fault_lag_seconds
        if fault == "status_lag" and lagging:
            answer.update(trangThai="DANG_XU_LY", thoiGianXuLy=None, dsLoi=[], dsHoSo=[])
        return answer
