"""Pages of the seven steps: the public request forms (a code from the Sở Y tế, an account from BHXH) with
their status by number, and the province's page of steps, deadlines and requests to decide."""

from __future__ import annotations

import flask

from sandbox.errors import SandboxError
from sandbox.reference import units

from . import board, onboarding
from .web import _ctx, blueprint, login_required, render


def _public(status: int = 200, **values):
    province = flask.request.values.get("tinh", "")
    communes = sorted(((c, u.name) for c, u in units.communes_of(province, units.REFORM).items()),
                      key=lambda x: x[1]) if province in units.provinces_2025() else []
    provinces = sorted(((c, units.short(n)) for c, (n, _) in units.provinces_2025().items()), key=lambda x: x[1])
    return flask.render_template("province_request.html", who=None, provinces=provinces, communes=communes,
                                 province=province, steps=onboarding.STEPS, form=flask.request.form,
                                 **values), status


@blueprint.route("/dang-ky", methods=["GET"])
def request_page():
    found = error = None
    if flask.request.args.get("so"):
        try:
            found = onboarding.status(_ctx(), flask.request.args["so"])
        except SandboxError as exc:
            error = exc.screen_vi
    return _public(404 if error else 200, found=found, error=error)


@blueprint.route("/dang-ky/<kind>", methods=["POST"])
def request_submit(kind: str):
    form, ip = flask.request.form, flask.request.remote_addr
    try:
        if kind == "ma":
            made = onboarding.request_code(_ctx(), form.get("ten", ""), form.get("tinh", ""), form.get("xa", ""),
                                           form.get("lien_he", ""), form.get("noi_dung", ""), ip)
        elif kind == "tai-khoan":
            made = onboarding.request_account(_ctx(), form.get("ma_cskcb", ""), form.get("lien_he", ""),
                                              form.get("noi_dung", ""), ip)
        else:
            flask.abort(404)
    except SandboxError as exc:
        return _public(exc.code_info.http_status, error=exc.screen_vi)
    return _public(201, made=made)


@blueprint.route("/lien-thong", methods=["GET", "POST"])
@login_required
def onboarding_page():
    ctx, who = _ctx(), flask.g.who
    error = message = None
    status = 200
    if flask.request.method == "POST":
        form = flask.request.form
        try:
            decided = onboarding.decide(ctx, who, int(form.get("id", "0") or 0), form.get("quyet_dinh") == "dong_y",
                                        form.get("ly_do", ""))
            message = f"Đề nghị {decided['reference']}: {decided['stateVi'].lower()}"
            if decided.get("facilityCode") and decided["kind"] == "code" and decided["state"] == "approved":
                message += f" — mã cơ sở {decided['facilityCode']}"
            if decided.get("firstPassword"):
                message += (f" — tài khoản {decided['username']}, mật khẩu lần đầu {decided['firstPassword']} "
                            "(chỉ hiển thị một lần: chuyển cho cơ sở theo đường công văn, cơ sở đổi ngay khi nhận)")
        except (SandboxError, ValueError) as exc:
            error = exc.screen_vi if isinstance(exc, SandboxError) else "đề nghị không hợp lệ"
            status = exc.code_info.http_status if isinstance(exc, SandboxError) else 422
    rows, _ = board.rows(ctx, who)
    steps = onboarding.progress(ctx, [r.code for r in rows])
    return render("province_onboarding.html", status, rows=rows, progress=steps, steps=onboarding.STEPS,
                  requests=onboarding.requests(ctx, who), error=error, message=message, source=onboarding.SOURCE)
