"""Facility portal: login with the gateway account, "Danh sách tiếp nhận" and per-transaction errors."""

from __future__ import annotations

import functools
from datetime import timedelta

import flask

from .. import auth
from ..clock import VN_TZ, as_utc
from ..errors import SandboxError
from ..security import md5_upper
from ..storage.submissions import count_by_status, get_submission, list_submissions
from ..storage.registry import get_facility
from .vneid_pages import bounded_int

blueprint = flask.Blueprint("portal", __name__, url_prefix="/portal", template_folder="templates",
                            static_folder="static")

STATUS_VI = {"DA_TIEP_NHAN": "Đã tiếp nhận, chờ xử lý", "DANG_XU_LY": "Đang xử lý", "DA_XU_LY": "Đã xử lý"}


@blueprint.app_template_filter("vn_time")
def vn_time(value):
    return as_utc(value).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M:%S") if value else ""


def _ctx():
    return flask.current_app.extensions["skdt"]


def login_required(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if "facility" not in flask.session:
            return flask.redirect(flask.url_for("portal.login", next=flask.request.path))
        return fn(*args, **kwargs)
    return wrapper


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if flask.request.method == "POST":
        username = flask.request.form.get("username", "").strip()
        try:
            issued = auth.take_token(_ctx(), username, md5_upper(flask.request.form.get("password", "")),
                                     flask.request.remote_addr)
        except SandboxError as exc:
            error = exc.message_vi
        else:
            with _ctx().db.read() as s:
                from ..storage.registry import get_account
                flask.session.clear()
                flask.session["username"] = issued.username
                flask.session["facility"] = get_account(s, issued.username).facility_code
            target = flask.request.args.get("next", "")
            return flask.redirect(target if target.startswith("/portal/") else flask.url_for("portal.index"))
    return flask.render_template("portal_login.html", error=error), (401 if error else 200)


@blueprint.route("/logout")
def logout():
    flask.session.clear()
    return flask.redirect(flask.url_for("portal.login"))


@blueprint.route("/")
@login_required
def index():
    facility_code = flask.session["facility"]
    page = bounded_int(flask.request.args.get("trang"), 1, 100_000) or 1
    with _ctx().db.read() as s:
        facility = get_facility(s, facility_code)
        subs = list_submissions(s, facility_code, limit=50, offset=(page - 1) * 50)
        counts = count_by_status(s, facility_code)
        rows = [{"id": x.id, "received_at": x.received_at, "processed_at": x.processed_at,
                 "endpoint": x.endpoint, "status": STATUS_VI.get(x.status, x.status), "raw_status": x.status,
                 "valid": sum(1 for r in x.records or [] if r["trangThai"] == "HOP_LE"),
                 "invalid": sum(1 for r in x.records or [] if r["trangThai"] != "HOP_LE"),
                 "errors": len(x.findings or []) + sum(len(r["findings"]) for r in x.records or [])}
                for x in subs]
    return flask.render_template("portal_index.html", facility=facility, rows=rows, counts=counts,
                                 page=page, username=flask.session["username"])


@blueprint.route("/giao-dich/<transaction_id>")
@login_required
def transaction(transaction_id: str):
    from ..api.gateway import render_result
    with _ctx().db.read() as s:
        sub = get_submission(s, transaction_id)
        if sub is None or sub.facility_code != flask.session["facility"]:
            flask.abort(404)
        result = render_result(sub)
    return flask.render_template("portal_transaction.html", r=result, status_vi=STATUS_VI,
                                 username=flask.session["username"])


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
        if sub is None or sub.facility_code != flask.session["facility"]:
            flask.abort(404)
        entries = list(s.scalars(select(HealthBookEntry).where(HealthBookEntry.submission_id == transaction_id)
                                 .order_by(HealthBookEntry.id)))
    rows = [{"entry": e, "visible": as_utc(e.visible_at) <= now, "late": as_utc(e.visible_at) - as_utc(e.received_at)
             > timedelta(hours=24), "v": {"id": e.id, "maCSKCB": e.facility_code, "maLk": e.ma_lk, **e.data}}
            for e in entries]
    return flask.render_template("portal_book.html", transaction_id=transaction_id, rows=rows, now=now,
                                 status=sub.status, username=flask.session["username"])
