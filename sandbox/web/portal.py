"""Facility portal: login with the gateway account, "Danh sách tiếp nhận" and per-transaction errors."""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta

import flask

from ..access_log import note_facility

from .. import auth, explain
from ..clock import VN_TZ, as_utc, vn_text
from ..errors import SandboxError
from ..health_book import present, sharing
from ..security import md5_upper
from ..storage.submissions import count_by_status, get_submission, list_submissions
from ..storage.registry import get_account, get_facility
from ..tables import MIME, Table, to_csv, to_xlsx
from . import page_sessions
from .vneid_pages import bounded_int

blueprint = flask.Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates",
                            static_folder="static")

AREA = "portal"
STANDING_CODES = ("4031", "4032", "4035")   # account disabled, facility suspended, address not registered
STATUS_VI = {"DA_TIEP_NHAN": "Đã tiếp nhận, chờ xử lý", "DANG_XU_LY": "Đang xử lý", "DA_XU_LY": "Đã xử lý"}


@blueprint.app_template_filter("vn_time")
def vn_time(value):
    return vn_text(value, seconds=True) if value else ""


def _ctx():
    return flask.current_app.extensions["skdt"]


def login_required(fn):
    """A live page session (page_sessions.py) whose account still stands, checked on every request as a
    gateway call is: a disabled account, a suspended facility or an address outside the registered ones
    ends the session and is told why on the login page."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ctx = _ctx()
        live = page_sessions.current(ctx, AREA)
        refusal = None
        if live is not None:
            try:
                caller, password_hash = auth.page_account(ctx, live.subject, flask.request.remote_addr)
            except SandboxError as exc:
                caller, refusal = None, exc.screen_vi
            else:
                if page_sessions.stamp(ctx, password_hash) != live.stamp:   # the password changed
                    caller, refusal = None, "mật khẩu đã đổi: đăng nhập lại"
            if caller is None:
                page_sessions.end(ctx, AREA)
            else:
                flask.g.username, flask.g.facility = caller.username, caller.facility_code
                note_facility(caller.facility_code)
                return fn(*args, **kwargs)
        if refusal is not None:
            return page_sessions.clear_cookie(flask.make_response(
                flask.render_template("portal_login.html", error=refusal), 401), AREA)
        return flask.redirect(flask.url_for("portal.login", next=flask.request.path))
    return wrapper


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    error = refusal = None
    if flask.request.method == "POST":
        ctx = _ctx()
        username = flask.request.form.get("username", "").strip()
        try:   # the credentials, then the account's standing: a refused facility is told why here
            caller = auth.check_login(ctx, username, md5_upper(flask.request.form.get("password", "")),
                                      flask.request.remote_addr)
            caller, password_hash = auth.page_account(ctx, caller.username, flask.request.remote_addr)
        except SandboxError as exc:
            error = exc.screen_vi
            if exc.code_info.code in STANDING_CODES and exc.facts:   # the facility reads why (not a secret)
                refusal = {"code": exc.code_info.code, "seen": exc.facts.get("seen", {}),
                           "expected": exc.facts.get("expected", {})}
        else:
            target = flask.request.args.get("next", "")
            response = flask.redirect(target if target.startswith("/portal/") else flask.url_for("portal.index"))
            return page_sessions.start(ctx, AREA, caller.username, password_hash, response)
    return flask.render_template("portal_login.html", error=error, refusal=refusal), (401 if error else 200)


@blueprint.route("/logout")
def logout():
    page_sessions.end(_ctx(), AREA)
    return page_sessions.clear_cookie(flask.redirect(flask.url_for("portal.login")), AREA)


def _day(text: str | None):
    """A yyyy-mm-dd field of the search form as a Vietnam-time day, or None."""
    try:
        return date.fromisoformat((text or "").strip()) if text and len(text.strip()) == 10 else None
    except ValueError:
        return None


def _filters() -> dict:
    args = flask.request.args
    ma_lk = (args.get("ma_lk") or "").strip()[:100] or None
    tu, den = _day(args.get("tu")), _day(args.get("den"))
    return {"ma_lk": ma_lk, "tu": tu, "den": den,
            "since": datetime.combine(tu, time(), VN_TZ) if tu else None,
            "until": datetime.combine(den + timedelta(days=1), time(), VN_TZ) if den else None}


def _rows(s, facility_code: str, f: dict, limit: int, offset: int) -> list[dict]:
    subs = list_submissions(s, facility_code, limit=limit, offset=offset, since=f["since"], until=f["until"],
                            ma_lk=f["ma_lk"])
    return [{"id": x.id, "received_at": x.received_at, "processed_at": x.processed_at,
             "endpoint": x.endpoint, "status": STATUS_VI.get(x.status, x.status), "raw_status": x.status,
             "valid": sum(1 for r in x.records or [] if r["trangThai"] == "HOP_LE"),
             "invalid": sum(1 for r in x.records or [] if r["trangThai"] != "HOP_LE"),
             "errors": len(x.findings or []) + sum(len(r["findings"]) for r in x.records or []),
             "ma_lk": ", ".join(r.get("maLk", "") for r in (x.records or [])[:3])
             + (" …" if len(x.records or []) > 3 else "")}
            for x in subs]


@blueprint.route("/")
@login_required
def index():
    facility_code = flask.g.facility
    page = bounded_int(flask.request.args.get("trang"), 1, 100_000) or 1
    f = _filters()
    with _ctx().db.read() as s:
        facility = get_facility(s, facility_code)
        rows = _rows(s, facility_code, f, 50, (page - 1) * 50)
        counts = count_by_status(s, facility_code)
    query = {k: v for k, v in flask.request.args.items() if k in ("ma_lk", "tu", "den") and v}
    return flask.render_template("portal_index.html", facility=facility, rows=rows, counts=counts, f=f,
                                 page=page, query=query, username=flask.g.username)


EXPORT_COLUMNS = [("id", "Mã giao dịch"), ("received_at", "Thời gian tiếp nhận"), ("endpoint", "Chức năng"),
                  ("status", "Trạng thái"), ("ma_lk", "MA_LK"), ("valid", "Hồ sơ hợp lệ"),
                  ("invalid", "Không hợp lệ"), ("errors", "Số lỗi/cảnh báo"), ("processed_at", "Thời gian xử lý")]
EXPORT_LIMIT = 10_000


@blueprint.route("/xuat.<fmt>")
@login_required
def export(fmt: str):
    """The list as searched, as xlsx or CSV (at most EXPORT_LIMIT rows)."""
    if fmt not in ("xlsx", "csv"):
        flask.abort(404)
    facility_code = flask.g.facility
    with _ctx().db.read() as s:
        rows = _rows(s, facility_code, _filters(), EXPORT_LIMIT, 0)
    table = Table(f"Danh sách tiếp nhận — cơ sở {facility_code}", EXPORT_COLUMNS, rows, sheet="Tiep nhan")
    data = to_xlsx([table]) if fmt == "xlsx" else to_csv(table)
    return flask.Response(data, mimetype=MIME[fmt], headers={
        "Content-Disposition": f'attachment; filename="tiep-nhan_{facility_code}.{fmt}"'})


@blueprint.route("/so-suc-khoe", methods=["GET", "POST"])
@login_required
def read_book():
    """Reception by health book: the receptionist types the citizen's share code (QĐ 2733 Đ6)."""
    ctx = _ctx()
    book = error = None
    status = 200
    if flask.request.method == "POST":
        with ctx.db.read() as s:
            account = get_account(s, flask.g.username)
        caller = auth.Caller(account.id, account.username, account.facility_code)
        try:
            book = sharing.read_by_facility(ctx, caller, flask.request.form.get("code", ""), flask.request.remote_addr)
        except SandboxError as exc:
            error, status = exc.screen_vi, exc.code_info.http_status
        else:
            codes = {v["maCSKCB"] for v in book["lichSuKcb"]} | {c["noiDangKyBanDau"] for c in book["theBhyt"]}
            book["ten"] = present.facility_names(ctx, codes)
    return flask.render_template("portal_share.html", book=book, error=error, username=flask.g.username), status


@blueprint.route("/tu-choi")
@login_required
def refusals():
    """Explain my rejection: the facility's recent request-level refusals, seen against expected."""
    ctx = _ctx()
    with ctx.db.read() as s:
        account = get_account(s, flask.g.username)
        facility = get_facility(s, flask.g.facility)
    return flask.render_template("portal_refusals.html", rows=explain.recent(ctx, facility.code), account=account,
                                 facility=facility, certs=explain.certificates(ctx, facility.code),
                                 client=flask.request.remote_addr, username=flask.g.username)


def _not_ours(transaction_id: str):
    from .home import error_page
    return error_page(404, f"Không có giao dịch {transaction_id[:40]} của cơ sở {flask.g.facility}",
                      "No such transaction of your facility")


@blueprint.route("/giao-dich/<transaction_id>")
@login_required
def transaction(transaction_id: str):
    from ..api.gateway import render_result
    with _ctx().db.read() as s:
        sub = get_submission(s, transaction_id)
        if sub is None or sub.facility_code != flask.g.facility:
            return _not_ours(transaction_id)
        result = render_result(sub)
    return flask.render_template("portal_transaction.html", r=result, status_vi=STATUS_VI,
                                 username=flask.g.username)


@blueprint.route("/giao-dich/<transaction_id>/so-suc-khoe")
@login_required
def health_book_preview(transaction_id: str):
    """For one maGiaoDich: what the citizen will see in the Sổ SKĐT, and from when."""
    from sqlalchemy import select
    from ..storage.models import HealthBookEntry
    ctx = _ctx()
    now = ctx.clock.now()
    with ctx.db.read() as s:
        sub = get_submission(s, transaction_id)
        if sub is None or sub.facility_code != flask.g.facility:
            return _not_ours(transaction_id)
        entries = list(s.scalars(select(HealthBookEntry).where(HealthBookEntry.submission_id == transaction_id)
                                 .order_by(HealthBookEntry.id)))
    rows = [{"entry": e, "visible": as_utc(e.visible_at) <= now, "late": as_utc(e.visible_at) - as_utc(e.received_at)
             > timedelta(hours=24), "v": present.readable(ctx, {"id": e.id, "maCSKCB": e.facility_code, "maLk": e.ma_lk, **e.data})}
            for e in entries]
    return flask.render_template("portal_book.html", transaction_id=transaction_id, rows=rows, now=now,
                                 status=sub.status, username=flask.g.username)


@blueprint.route("/doi-chieu")
@blueprint.route("/doi-chieu.<fmt>")
@login_required
def comparisons(fmt: str | None = None):
    """Shadow mode: this facility's submissions as the real gateway and the sandbox judged them."""
    from ..shadow.compare import CLASSES
    from ..shadow.proxy import report
    found = report(_ctx(), facility=flask.g.facility)
    if fmt == "xlsx":
        return flask.Response(to_xlsx(found.tables()), mimetype=MIME["xlsx"], headers={
            "Content-Disposition": f'attachment; filename="doi-chieu_{flask.g.facility}.xlsx"'})
    if fmt == "json":
        return flask.jsonify(found.as_json())
    if fmt is not None:
        flask.abort(404)
    return flask.render_template("portal_comparisons.html", data=found.as_json(), classes=CLASSES,
                                 facility=flask.g.facility, username=flask.g.username)
