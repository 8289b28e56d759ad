"""Mobile-sized web view of the VNeID screens: home → Hồ sơ sức khỏe → Sổ sức khỏe điện tử → year → visit.

The pages call the same service as the VNeID API (sandbox.health_book.vneid); the session token
lives in the signed Flask session cookie.
"""

from __future__ import annotations

import functools

import flask

from ..errors import NotFoundError, SandboxError
from ..health_book import pdf, present, sharing, vneid
from . import page_sessions

MAX_ID = 2**31 - 1   # database integer keys


def bounded_int(text: str | None, low: int, high: int) -> int | None:
    """A query integer within bounds, or None (no 500 for 'abc', '1e3' or 20 digits)."""
    text = (text or "").strip()
    if not text.isdigit() or len(text) > 9:
        return None
    value = int(text)
    return value if low <= value <= high else None


blueprint = flask.Blueprint("vneid_web", __name__, url_prefix="/vneid", template_folder="templates",
                            static_folder="static", static_url_path="/static")
GATE_STEP = {"4301": "level", "4302": "no_card", "4303": "consent"}


blueprint.add_app_template_filter(present.wire_dt, "wire_dt")
blueprint.add_app_template_filter(present.validity, "card_validity")
blueprint.add_app_template_filter(present.vn_dt, "vn_dt")
blueprint.add_app_template_filter(present.vi_num, "vi_num")


def _ctx():
    return flask.current_app.extensions["skdt"]


AREA = "vneid"


def _token() -> str:
    """The VNeID session token of the request (its own cookie, page_sessions.AREAS; the session is vneid.py's)."""
    return page_sessions.token(AREA)


def signed_in(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            sess = vneid.session(_ctx(), _token())
        except SandboxError:
            return flask.redirect(flask.url_for("vneid_web.login"))
        return fn(sess, *args, **kwargs)
    return wrapper


def _cho():
    return flask.request.args.get("cho") or None


def _render(template, **kw):
    kw.setdefault("cho", _cho())
    if kw["cho"] and "viewing" not in kw:   # a guardian reading a child's book: say whose
        kw["viewing"] = vneid.citizen(_ctx(), kw["cho"])["hoTen"] if _viewable(kw["cho"]) else None
    return flask.render_template(template, **kw)


def _viewable(for_id: str) -> bool:
    try:
        vneid.subject(_ctx(), vneid.session(_ctx(), _token()), for_id)
    except SandboxError:
        return False
    return True


@blueprint.route("/dang-nhap", methods=["GET", "POST"])
def login():
    error = None
    if flask.request.method == "POST":
        try:
            token, _ = vneid.login(_ctx(), flask.request.form.get("soDinhDanh", "").strip(),
                                   flask.request.form.get("matKhau", ""), flask.request.remote_addr)
        except SandboxError as exc:
            error = exc.screen_vi
        else:
            vneid.logout(_ctx(), _token())   # a session the browser carried ends: a new one, not a reused one
            return page_sessions.set_cookie(flask.redirect(flask.url_for("vneid_web.home")), AREA, token)
    return _render("vneid_login.html", error=error), (401 if error else 200)


@blueprint.route("/dang-xuat")
def logout():
    if _token():
        vneid.logout(_ctx(), _token())
    return page_sessions.clear_cookie(flask.redirect(flask.url_for("vneid_web.login")), AREA)


@blueprint.route("/")
@signed_in
def home(sess):
    return _render("vneid_home.html", me=vneid.citizen(_ctx(), sess.personal_id),
                   dependants=vneid.dependants(_ctx(), sess.personal_id))


@blueprint.route("/vi-giay-to", methods=["GET", "POST"])
@signed_in
def wallet(sess):
    message = error = None
    linked = False
    owner = vneid.subject(_ctx(), sess, _cho())
    if flask.request.method == "POST":
        try:
            if flask.request.form.get("action") == "passcode":
                vneid.enter_passcode(_ctx(), _token(), flask.request.form.get("passcode", ""),
                                     flask.request.remote_addr)
            else:
                message = vneid.link_card(_ctx(), sess, owner, flask.request.form.get("maThe", ""))["thongBao"]
                linked = True
        except SandboxError as exc:
            error = exc.screen_vi
        sess = vneid.session(_ctx(), _token())
    adding = not linked and (flask.request.args.get("them") == "1" or flask.request.method == "POST")
    cards = vneid.wallet(_ctx(), owner)
    names = present.facility_names(_ctx(), [c["noiDangKyBanDau"] for c in cards])
    cards = [{**c, "the": present.card_facts(c["maThe"], c["giaTriTu"], c["giaTriDen"], c["noiDangKyBanDau"], names)}
             for c in cards]
    return _render("vneid_wallet.html", cards=cards, message=message, error=error,
                   adding=adding, passcode_ok=sess.passcode_ok, linked=linked)


@blueprint.route("/ho-so-suc-khoe")
@signed_in
def records(sess):
    return _render("vneid_records.html")


@blueprint.route("/so-suc-khoe", methods=["GET", "POST"])
@signed_in
def book(sess):
    ctx = _ctx()
    owner = vneid.subject(ctx, sess, _cho())
    error = message = None
    if flask.request.method == "POST":
        try:
            vneid.enter_passcode(ctx, _token(), flask.request.form.get("passcode", ""), flask.request.remote_addr)
            sess = vneid.session(ctx, _token())
            if flask.request.form.get("action") == "consent":
                message = vneid.consent(ctx, sess)["thongBao"]
        except SandboxError as exc:
            error = exc.screen_vi
    if flask.request.args.get("capnhat") == "1":
        try:
            message = vneid.refresh(ctx, sess, owner)["thongBao"]
        except SandboxError:
            pass
    try:
        vneid.book_gate(ctx, owner)
    except SandboxError as exc:
        step = GATE_STEP.get(exc.code_info.code, "level")
        return _render("vneid_gate.html", step=step, text=exc.code_info.vi, error=error,
                       asking=flask.request.args.get("xacnhan") == "1" or error is not None)
    year = bounded_int(flask.request.args.get("nam"), 1900, 2100)  # anything else: the default year
    book = vneid.visits(ctx, owner, year)
    names = present.facility_names(ctx, {v["maCSKCB"] for v in book["luotKham"]})
    return _render("vneid_book.html", book=book, message=message, names=names)


def _visit_or_404(sess, visit_id: int) -> dict:
    """The visit, or the true reason on the error page ("not in this book", not "no such page")."""
    if not 0 < visit_id <= MAX_ID:
        raise NotFoundError("không có lượt khám này trong sổ", "no such visit in this book")
    return vneid.open_visit(_ctx(), sess, _cho(), visit_id)


@blueprint.route("/so-suc-khoe/<int:visit_id>")
@signed_in
def visit(sess, visit_id):
    return _render("vneid_visit.html", v=present.readable(_ctx(), _visit_or_404(sess, visit_id)))


@blueprint.route("/so-suc-khoe/<int:visit_id>/pdf")
@signed_in
def visit_pdf(sess, visit_id):
    data, headers = pdf.document(_ctx(), _visit_or_404(sess, visit_id))
    return flask.Response(data, mimetype="application/pdf", headers=headers)


@blueprint.route("/chia-se", methods=["GET", "POST"])
@signed_in
def share(sess):
    ctx = _ctx()
    owner = vneid.subject(ctx, sess, _cho())
    shared = error = message = None
    if flask.request.method == "POST":
        try:
            if flask.request.form.get("action") == "revoke":
                code = sharing.revoke(ctx, owner, flask.request.form.get("code", ""))["maChiaSe"]
                message = f"Đã thu hồi mã {code}: cơ sở KCB không đọc được sổ bằng mã này nữa."
            else:
                vneid.enter_passcode(ctx, _token(), flask.request.form.get("passcode", ""),
                                     flask.request.remote_addr)
                shared = sharing.create(ctx, vneid.session(ctx, _token()), owner)
        except SandboxError as exc:
            error = exc.screen_vi
    log = sharing.access_log(ctx, owner)
    return _render("vneid_share.html", shared=shared, error=error, message=message, log=log,
                   codes=sharing.active(ctx, owner), names=present.facility_names(ctx, {e["maCSKCB"] for e in log}))


@blueprint.route("/thong-tin-ca-nhan", methods=["GET", "POST"])
@signed_in
def details(sess):
    """The citizen's own details (a dependant has none to edit here: the guardian's account is used)."""
    ctx = _ctx()
    error = message = None
    if flask.request.method == "POST":
        form = flask.request.form
        try:
            vneid.update_details(ctx, sess.personal_id, {k: form.get(k, "").strip() for k in vneid.EDITABLE})
            message = "Đã lưu thông tin cá nhân."
        except SandboxError as exc:
            error = exc.screen_vi
    return _render("vneid_details.html", me=vneid.citizen(ctx, sess.personal_id), wallet=vneid.wallet(ctx, sess.personal_id),
                   fields=vneid.EDITABLE, message=message, error=error, cho=None)


@blueprint.errorhandler(SandboxError)
def _refused(exc):
    return flask.render_template("vneid_error.html", text=exc.screen_vi, cho=None), exc.code_info.http_status
