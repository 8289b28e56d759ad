"""Handlers of openapi/vneid.yaml (mounted at /vneid/api)."""

from __future__ import annotations

import flask

from .. import auth
from ..errors import InvalidInputError, SandboxError
from ..health_book import sharing, vneid
from ..health_book import pdf
from .common import answer_errors, client_ip, context, refused


def _token() -> str | None:
    return flask.request.headers.get("X-VNeID-Session")


def _session():
    return vneid.session(context(), _token())


def _owner(sess, cho):
    return vneid.subject(context(), sess, cho)


@answer_errors
def login(body):
    token, expires = vneid.login(context(), body["soDinhDanh"].strip(), body["matKhau"], client_ip())
    return {"maKetQua": "200", "phien": token, "hetHan": expires.isoformat(timespec="seconds"),
            "congDan": vneid.citizen(context(), body["soDinhDanh"].strip())}


@answer_errors
def logout():
    _session()
    vneid.logout(context(), _token())
    return {"maKetQua": "200"}


@answer_errors
def passcode(body):
    vneid.enter_passcode(context(), _token(), str(body.get("passcode", "")), client_ip())
    return {"maKetQua": "200", "thongBao": "Passcode hợp lệ"}


@answer_errors
def me():
    sess = _session()
    return {**vneid.citizen(context(), sess.personal_id), "nguoiPhuThuoc": vneid.dependants(context(), sess.personal_id)}


@answer_errors
def wallet(cho=None):
    sess = _session()
    return {"theBhyt": vneid.wallet(context(), _owner(sess, cho))}


@answer_errors
def add_card(body, cho=None):
    sess = _session()
    return vneid.link_card(context(), sess, _owner(sess, cho), str(body.get("maThe", "")))


@answer_errors
def book(cho=None):
    vneid.open_book(context(), _session(), cho)
    return {"maKetQua": "200", "trangThai": "SAN_SANG"}


@answer_errors
def consent():
    return vneid.consent(context(), _session())


@answer_errors
def refresh(cho=None):
    sess = _session()
    return vneid.refresh(context(), sess, _owner(sess, cho))


@answer_errors
def visits(cho=None, nam=None):
    return vneid.visits(context(), vneid.open_book(context(), _session(), cho), nam)


VISITS = "/vneid/api/health-book/visits"


def year_answer(ctx, token: str | None, cho: str | None, nam: int | None) -> tuple[dict, int]:
    """``visits`` without a Flask request (the fast path's read of a year): (the answer, its HTTP status)."""
    try:
        return vneid.visits(ctx, vneid.open_book(ctx, vneid.session(ctx, token), cho), nam), 200
    except SandboxError as exc:
        return refused(ctx, exc, VISITS, VISITS)


@answer_errors
def visit(visit_id, cho=None):
    return vneid.open_visit(context(), _session(), cho, visit_id)


@answer_errors
def visit_pdf(visit_id, cho=None):
    ctx = context()
    data, headers = pdf.document(ctx, vneid.open_visit(ctx, _session(), cho, visit_id))
    headers["Content-Disposition"] = headers["Content-Disposition"].replace("inline", "attachment", 1)
    return flask.Response(data, mimetype="application/pdf", headers=headers)


@answer_errors
def personal(body, cho=None):
    """The citizen's own details; a dependant's book has no details of its own to edit (4307)."""
    sess = _session()
    if cho and cho != sess.personal_id:
        vneid.subject(context(), sess, cho)   # refuses non-dependants with 4307
        raise InvalidInputError("thông tin cá nhân chỉ sửa được cho chính bạn", "details can only be edited for yourself")
    return {"thongTinCaNhan": vneid.update_details(context(), sess.personal_id, body)}


@answer_errors
def share(cho=None):
    sess = _session()
    return sharing.create(context(), sess, _owner(sess, cho))


@answer_errors
def active_shares(cho=None):
    sess = _session()
    return {"maChiaSe": sharing.active(context(), _owner(sess, cho))}


@answer_errors
def revoke_share(code, cho=None):
    sess = _session()
    return sharing.revoke(context(), _owner(sess, cho), code)


@answer_errors
def access_log(cho=None):
    sess = _session()
    return {"nhatKyTruyCap": sharing.access_log(context(), _owner(sess, cho))}


@answer_errors
def facility_read(code):
    headers = flask.request.headers
    caller = auth.authenticate(context(), headers.get("accessToken"), headers.get("tokenId"),
                               headers.get("passwordHash"), client_ip())
    return sharing.read_by_facility(context(), caller, code, client_ip())
