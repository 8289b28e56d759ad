"""The province pages at /so-y-te/ (login, readiness board, facility and sign-off, campaign and
six-monthly reports, settings), the public page that verifies a readiness statement, and the
province API (openapi/province.yaml at /so-y-te/api)."""

from __future__ import annotations

import functools
from urllib.parse import quote

import flask

from sandbox.errors import InvalidInputError, SandboxError
from sandbox.web import page_sessions
from sandbox.web.vneid_pages import bounded_int

from . import board, campaign, charts, detail, periodic, permissions, settings as province_settings, signoff, users
from .exports import board_table, facility_tables
from sandbox.tables import MIME, Letterhead, to_csv, to_pdf, to_xlsx

blueprint = flask.Blueprint("province", __name__, url_prefix="/so-y-te", template_folder="templates")
FORMATS = ("xlsx", "csv", "pdf")
AREA = "province"


def install(app, ctx) -> None:
    """Entry point ``skdt_sandbox.web``: called by sandbox.app.create_app."""
    from sandbox.api.forms import validator_map
    app.add_api(str(ctx.settings.openapi_dir / "province.yaml"), base_path="/so-y-te/api",
                strict_validation=True, validate_responses=False,
                validator_map=validator_map(ctx.settings.max_request_bytes))
    app.app.register_blueprint(blueprint)


def _ctx():
    return flask.current_app.extensions["skdt"]


def login_required(fn):
    """A live page session (sandbox/web/page_sessions.py) of a user who is still active and whose
    password has not changed since login, checked on every request."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ctx = _ctx()
        live = page_sessions.current(ctx, AREA)
        try:
            who, password_hash = users.page_caller(ctx, live.subject if live else None)
            if page_sessions.stamp(ctx, password_hash) != live.stamp:
                raise SandboxError("mật khẩu đã đổi", "the password changed")
        except SandboxError:
            page_sessions.end(ctx, AREA)
            return page_sessions.clear_cookie(
                flask.redirect(flask.url_for("province.login", next=flask.request.path)), AREA)
        flask.g.who = who
        return fn(*args, **kwargs)
    return wrapper


@blueprint.context_processor
def _permissions():
    """``may('sign_off')`` in templates: a form is shown only to those allowed to send it (BHXH reads, the Sở decides)."""
    who = flask.g.get("who")
    return {"may": lambda action: who is not None and who.organisation in permissions.PERMISSIONS[action]}


def render(page: str, status: int = 200, **values):
    return flask.render_template(page, who=flask.g.get("who"), **values), status


def download(data: bytes, fmt: str, name: str) -> flask.Response:
    return flask.Response(data, mimetype=MIME[fmt].split(";")[0],
                          headers={"Content-Disposition": f"attachment; filename=\"{name}.{fmt}\"; "
                                                          f"filename*=UTF-8''{quote(name)}.{fmt}"})


def export(tables, fmt: str, name: str, title: str, subtitle: str) -> flask.Response:
    if fmt not in FORMATS:
        flask.abort(404)
    who = flask.g.who
    head = Letterhead(agency=who.organisation_name,
                      parent=f"UBND tỉnh {who.province_name}" if who.organisation == "SYT" else "Bảo hiểm xã hội Việt Nam",
                      place=who.province_name, when=_ctx().clock.now(), signer="GIÁM ĐỐC")
    if fmt == "xlsx":
        return download(to_xlsx(tables, head), fmt, name)
    if fmt == "csv":   # one table per CSV: ?bang=2 for the second table of a report
        index = (bounded_int(flask.request.args.get("bang"), 1, len(tables)) or 1) - 1
        return download(to_csv(tables[index]), fmt, f"{name}-bang-{index + 1}" if len(tables) > 1 else name)
    return download(to_pdf(title, subtitle, tables, head), fmt, name)


@blueprint.route("/", methods=["GET"])
def home():
    return flask.redirect(flask.url_for("province.board_page"))


@blueprint.route("/dang-nhap", methods=["GET", "POST"])
def login():
    error = None
    if flask.request.method == "POST":
        form = flask.request.form
        try:
            who = users.login(_ctx(), form.get("username", "").strip()[:100], form.get("password", ""),
                              flask.request.remote_addr)
        except SandboxError as exc:
            error = exc.screen_vi
        else:
            _, password_hash = users.page_caller(_ctx(), who.username)
            target = flask.request.args.get("next", "")
            response = flask.redirect(target if target.startswith("/so-y-te/") else flask.url_for("province.board_page"))
            return page_sessions.start(_ctx(), AREA, who.username, password_hash, response)
    return flask.render_template("province_login.html", error=error, who=None), (401 if error else 200)


@blueprint.route("/dang-xuat")
def logout():
    page_sessions.end(_ctx(), AREA)
    return page_sessions.clear_cookie(flask.redirect(flask.url_for("province.login")), AREA)


def _board_filters():
    args = flask.request.args
    return {"district": args.get("huyen") or None, "commune": args.get("xa") or None,
            "former": args.get("tinh_cu") or None, "query": (args.get("q") or "")[:100] or None,
            "certification": args.get("chung_nhan") if args.get("chung_nhan") in board.CERT_STATES else None}


@blueprint.route("/bang")
@login_required
def board_page():
    ctx, who = _ctx(), flask.g.who
    signoff.refresh(ctx, who.province_code)
    rows, cfg = board.rows(ctx, who, **_board_filters())
    summary = board.summary(rows)
    from sandbox.result_codes import CODES
    causes = [(f"{c} {CODES[c].vi[:28] if c in CODES else ''}", n) for c, n in board.rejection_causes(ctx, who)]
    from . import onboarding
    steps = onboarding.progress(ctx, [r.code for r in rows])
    at_step = [(f"{s.number}. {s.title}", sum(1 for p in steps.values() if p.current == s.number))
               for s in onboarding.STEPS] + [("Hoàn thành 7 bước", sum(1 for p in steps.values() if p.current == 8))]
    pictures = [charts.bars("Tiến độ tích hợp (số cơ sở)", list(summary["stages"].items())),
                charts.bars("Đang ở bước (QĐ 2733, số cơ sở)", at_step),
                charts.bars("Nguyên nhân từ chối hay gặp (hồ sơ)", causes),
                charts.bars("Thời gian hiển thị trên VNeID (lượt)", board.display_delays(rows))]
    return render("province_board.html", rows=rows, summary=summary, cfg=cfg, pictures=pictures, steps=steps,
                  places=board.places(ctx, who), filters=flask.request.args,
                  cert_states=board.CERT_STATES, schedule=[x for x in campaign.schedule(ctx, who)
                                                           if x["state"] in ("due", "late")][-6:])


@blueprint.route("/bang.<fmt>")
@login_required
def board_export(fmt: str):
    rows, cfg = board.rows(_ctx(), flask.g.who, **_board_filters())
    table = board_table(rows, cfg)
    return export([table], fmt, "bang-san-sang", table.title, flask.g.who.organisation_name)


@blueprint.route("/co-so/<code>", methods=["GET", "POST"])
@login_required
def facility_page(code: str):
    ctx, who = _ctx(), flask.g.who
    error = None
    try:
        if flask.request.method == "POST":
            form = flask.request.form
            signoff.decide(ctx, who, code, form.get("decision", ""), form.get("reason", ""))
            return flask.redirect(flask.url_for("province.facility_page", code=code))
        data = detail.facility(ctx, who, code)
    except SandboxError as exc:
        if exc.code_info.code in ("4041", "4204"):
            return flask.render_template("province_error.html", who=who, message=exc.screen_vi), exc.code_info.http_status
        error, data = exc.screen_vi, detail.facility(ctx, who, code)
    pictures = [charts.bars("Nguyên nhân từ chối (hồ sơ)", [(f"{c['code']} {c['name'][:28]}", c["count"])
                                                            for c in data["rejectionCauses"]]),
                charts.bars("Thời gian hiển thị trên VNeID (lượt)", data["displayDelays"])]
    return render("province_facility.html", 422 if error else 200, d=data, error=error, pictures=pictures)


@blueprint.route("/co-so/<code>.<fmt>")
@login_required
def facility_export(code: str, fmt: str):
    try:
        data = detail.facility(_ctx(), flask.g.who, code)
    except SandboxError:
        flask.abort(404)
    return export(facility_tables(data), fmt, f"co-so-{code}", f"Cơ sở {code} — {data['facility']['name']}",
                  flask.g.who.organisation_name)


@blueprint.route("/xac-nhan/<signoff_id>")
def statement_page(signoff_id: str):
    try:
        verdict = signoff.verify(_ctx(), signoff_id)
    except SandboxError:
        return flask.render_template("province_statement.html", verdict=None, signoff_id=signoff_id, who=None), 404
    return flask.render_template("province_statement.html", verdict=verdict, signoff_id=signoff_id, who=None)


@blueprint.route("/xac-nhan/<signoff_id>.pdf")
def statement_pdf(signoff_id: str):
    from .statement_pdf import statement_pdf as make_pdf
    ctx = _ctx()
    try:
        verdict = signoff.verify(ctx, signoff_id)
        row = signoff.record(ctx, signoff_id)
    except SandboxError:
        return flask.redirect(flask.url_for("province.statement_page", signoff_id=signoff_id))
    if not verdict["hopLe"]:   # a withdrawn statement is not printed again
        return flask.redirect(flask.url_for("province.statement_page", signoff_id=signoff_id))
    url = f"{ctx.settings.public_url.rstrip('/')}/so-y-te/xac-nhan/{signoff_id}"
    return download(make_pdf(row.token, verdict["claims"], url), "pdf", f"xac-nhan-san-sang-{row.facility_code}")


@blueprint.route("/chien-dich", methods=["GET", "POST"])
@login_required
def campaign_page():
    ctx, who = _ctx(), flask.g.who
    error = message = None
    kind = flask.request.args.get("loai", "daily")
    label = flask.request.args.get("ky") or None
    if flask.request.method == "POST":
        form = flask.request.form
        try:
            if form.get("action") == "targets":
                upload = flask.request.files.get("file")
                loaded = campaign.load_targets(ctx, who, upload.read() if upload else b"")
                message = f"Đã nạp {loaded['loaded']} chỉ tiêu."
            elif form.get("action") == "file":
                filed = campaign.file_report(ctx, who, form.get("kind", ""), form.get("period", ""))
                message = f"Đã ghi nhận nộp {campaign.KINDS[filed['kind']]} kỳ {filed['period']}" + (" (nộp muộn)." if filed["late"] else ".")
        except SandboxError as exc:
            error = exc.screen_vi
    try:
        period, tables = campaign.report(ctx, who, kind if kind in campaign.KINDS else "daily", label)
    except SandboxError as exc:
        error, period, tables = exc.screen_vi, None, []
    return render("province_campaign.html", 422 if error else 200, error=error, message=message, period=period,
                  tables=tables, schedule=campaign.schedule(ctx, who), kinds=campaign.KINDS, kind=kind,
                  cfg=province_settings.get(ctx, who.province_code), template=campaign.TEMPLATE)


@blueprint.route("/chien-dich/lich.<fmt>")
@login_required
def schedule_export(fmt: str):
    from sandbox.tables import Table
    state_vi = {"filed": "đã nộp", "filed_late": "đã nộp muộn", "due": "đến hạn", "late": "quá hạn", "upcoming": "chưa đến kỳ"}
    rows = [{**x, "period": period_vi(x["period"]), "due": vn_iso(x["due"]), "state": state_vi[x["state"]],
             "filedAt": vn_iso(x["filedAt"])} for x in campaign.schedule(_ctx(), flask.g.who)]
    table = Table("Lịch báo cáo chiến dịch", [("kindVi", "Báo cáo"), ("period", "Kỳ"), ("due", "Hạn nộp"),
                                              ("state", "Tình trạng"), ("filedBy", "Người nộp"), ("filedAt", "Thời điểm nộp")],
                  rows, sheet="Lich bao cao")
    return export([table], fmt, "lich-bao-cao", table.title, flask.g.who.organisation_name)


@blueprint.route("/chien-dich/<kind>.<fmt>")
@login_required
def campaign_export(kind: str, fmt: str):
    if kind not in campaign.KINDS:
        flask.abort(404)
    try:
        period, tables = campaign.report(_ctx(), flask.g.who, kind, flask.request.args.get("ky") or None)
    except SandboxError as exc:
        return flask.render_template("province_error.html", who=flask.g.who, message=exc.screen_vi), 422
    name = f"bao-cao-{kind}-{period.label}"
    return export(tables, fmt, name, f"{campaign.KINDS[kind]} {period.label_vi}".strip(), flask.g.who.organisation_name)


@blueprint.route("/chi-tieu-mau.csv")
@login_required
def targets_template():
    return download(("\ufeff" + campaign.TEMPLATE).encode(), "csv", "chi-tieu-mau")


@blueprint.route("/dinh-ky", methods=["GET", "POST"])
@login_required
def periodic_page():
    ctx, who = _ctx(), flask.g.who
    label = flask.request.args.get("ky") or periodic.current_label(ctx)
    error = message = None
    if flask.request.method == "POST":
        form = flask.request.form
        try:
            if form.get("action") == "declare":
                upload = flask.request.files.get("file")
                done = periodic.declare_visits(ctx, who, label, upload.read() if upload else b"")
                message = f"Đã nạp số lượt KCB của {done['facilities']} cơ sở."
            else:
                periodic.save_notes(ctx, who, label, form.get("difficulties", ""), form.get("proposals", ""))
                message = "Đã lưu khó khăn, đề xuất."
        except SandboxError as exc:
            error = exc.screen_vi
    try:
        tables = periodic.report(ctx, who, label)
    except SandboxError as exc:
        error, tables = exc.screen_vi, []
    return render("province_periodic.html", 422 if error else 200, error=error, message=message, label=label,
                  tables=tables)


@blueprint.route("/dinh-ky/<label>.<fmt>")
@login_required
def periodic_export(label: str, fmt: str):
    try:
        tables = periodic.report(_ctx(), flask.g.who, label)
    except SandboxError as exc:
        return flask.render_template("province_error.html", who=flask.g.who, message=exc.screen_vi), 422
    return export(tables, fmt, f"bao-cao-6-thang-{label}", f"Báo cáo 6 tháng triển khai Sổ SKĐT — kỳ {label}",
                  flask.g.who.organisation_name)


@blueprint.route("/thiet-lap", methods=["GET", "POST"])
@login_required
def settings_page():
    ctx, who = _ctx(), flask.g.who
    error = message = None
    if flask.request.method == "POST":
        form = flask.request.form
        try:
            permissions.require(who, "settings")
            values = {}
            for name in ("window_days", "grace_days"):
                if form.get(name, "").strip():
                    values[name] = bounded_int(form.get(name), 1, 366)
                    if values[name] is None:
                        raise InvalidInputError("số ngày là số nguyên từ 1 đến 366", f"{name}: 1..366 days")
            threshold = form.get("grace_threshold", "").strip().replace(",", ".")
            if threshold:
                try:
                    values["grace_threshold"] = float(threshold) / 100
                except ValueError:
                    raise InvalidInputError("ngưỡng tỷ lệ lỗi là số phần trăm, ví dụ 5 hoặc 2,5",
                                            "threshold: a percentage such as 5 or 2.5") from None
            province_settings.update(ctx, who.province_code, **values,
                                     campaign_start=form.get("campaign_start", "").replace("-", ""),
                                     campaign_end=form.get("campaign_end", "").replace("-", ""))
            permissions.decided(ctx, who, "settings", who.province_code, fields=sorted(values))
            message = "Đã lưu thiết lập."
        except SandboxError as exc:
            error = exc.screen_vi
    return render("province_settings.html", 422 if error else 200, cfg=province_settings.get(ctx, who.province_code),
                  error=error, message=message)


@blueprint.app_template_filter("vn_iso")
def vn_iso(value):
    """An ISO timestamp (as the JSON figures carry it) as dd/MM/yyyy HH:mm, Vietnam time."""
    from datetime import datetime
    from sandbox.clock import VN_TZ, as_utc
    if not value:
        return ""
    return as_utc(datetime.fromisoformat(value)).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


@blueprint.app_template_filter("pct")
def pct(value):
    return "—" if value is None else f"{100 * value:.1f}".replace(".", ",") + " %"


@blueprint.app_template_filter("vn_day")
def vn_day(value):
    from sandbox.clock import VN_TZ, as_utc
    return as_utc(value).astimezone(VN_TZ).strftime("%d/%m/%Y") if value else ""


@blueprint.app_template_filter("period_vi")
def period_vi(label: str) -> str:
    """2024-12-05 → 05/12/2024, 2024-W49 → tuần 49/2024, final → cả chiến dịch, 2026-H2 → 6 tháng cuối năm 2026."""
    if len(label) == 10 and label[4] == "-":
        return f"{label[8:]}/{label[5:7]}/{label[:4]}"
    if "-W" in label:
        return f"tuần {label[6:]}/{label[:4]}"
    if "-H" in label:
        return f"6 tháng {'đầu' if label.endswith('1') else 'cuối'} năm {label[:4]}"
    return "cả chiến dịch" if label == "final" else label


from . import onboarding_pages  # noqa: E402,F401  (the seven steps' pages, on this blueprint)
