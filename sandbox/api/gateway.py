"""Handlers of openapi/gateway.yaml: token, submissions, check-in, XML12, results."""

from __future__ import annotations

import logging

import flask

from .. import auth, intake
from ..clock import wire_time
from ..errors import NotFoundError
from ..result_codes import ResultCode
from ..storage.submissions import get_submission
from .common import answer_errors, client_ip, context

log = logging.getLogger(__name__)


@answer_errors
def take_token(body: dict):
    ctx = context()
    issued = auth.take_token(ctx, str(body.get("username", "")).strip(), str(body.get("password", "")),
                             client_ip())
    return {"maKetQua": ResultCode.OK.value, "thongDiep": "Lấy token thành công",
            "APIKey": {"access_token": issued.access_token, "id_token": issued.id_token,
                       "token_type": "Bearer", "username": issued.username,
                       "expires_in": issued.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ")}}


def _submit(endpoint_name: str, body: dict):
    ctx = context()
    headers = {k: flask.request.headers.get(k) for k in ("accessToken", "tokenId", "passwordHash")}
    receipt = intake.receive(ctx, endpoint_name, headers, body, client_ip())
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


@answer_errors
def submit_hoso_qd130(body: dict):
    return _submit("guiHoSoXmlQD130", body)


@answer_errors
def submit_hoso_qd4750(body: dict):
    return _submit("guiHoSoXmlQD4750", body)


@answer_errors
def submit_hoso_qd3176(body: dict):
    return _submit("guiHoSoXmlQD3176", body)


@answer_errors
def checkin_qd130(body: dict):
    return _submit("checkInKcbQd130", body)


@answer_errors
def checkin_qd4750(body: dict):
    return _submit("checkInKcbQd4750", body)


@answer_errors
def checkin_qd3176(body: dict):
    return _submit("checkInKcbQd3176", body)


@answer_errors
def submit_gdyk(body: dict):
    return _submit("guiDuLieuGdykQd130", body)


def render_result(sub) -> dict:
    """The ketQuaTiepNhan answer for one submission (also used by the portal page)."""
    from ..pipeline.findings import Finding
    wire = lambda items: [Finding.from_json(f).to_wire() for f in items]  # noqa: E731
    return {"maKetQua": ResultCode.OK.value, "maGiaoDich": sub.id, "trangThai": sub.status,
            "loaiHoSo": sub.loai_ho_so, "chucNang": sub.endpoint,
            "thoiGianTiepNhan": wire_time(sub.received_at),
            "thoiGianXuLy": wire_time(sub.processed_at) if sub.processed_at else None,
            "dsLoi": wire(sub.findings or []),
            "dsHoSo": [{"maLk": r["maLk"], "trangThai": r["trangThai"], "xuLy": r["xuLy"],
                        "dsLoi": wire(r["findings"])} for r in (sub.records or [])]}


@answer_errors
def result(maGiaoDich: str):
    ctx = context()
    headers = flask.request.headers
    caller = auth.authenticate(ctx, headers.get("accessToken"), headers.get("tokenId"),
                               headers.get("passwordHash"), client_ip())
    with ctx.db.read() as s:
        sub = get_submission(s, maGiaoDich.strip())
        # Another facility's transaction is answered exactly like an unknown one.
        if sub is None or sub.facility_code != caller.facility_code:
            raise NotFoundError(f"không có giao dịch {maGiaoDich} của cơ sở {caller.facility_code}",
                                f"no transaction {maGiaoDich} for facility {caller.facility_code}")
        return render_result(sub)
