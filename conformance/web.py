"""Plugs the harness into the sandbox app: the conformance API and the pages — certification sessions
on the facility portal (open, live checklist, attest, close, report, certificate PDF) and the public
certificate verification page the QR code leads to."""

from __future__ import annotations

import flask

from sandbox.errors import SandboxError
from sandbox.web.portal import login_required

from . import service
from .reports import SUFFIX, WRITERS
from .suite import ATTESTED, SUITE

blueprint = flask.Blueprint("conformance", __name__, template_folder="templates")


def install(app, ctx) -> None:
    """Entry point ``skdt_sandbox.web``: called by sandbox.app.create_app."""
    from sandbox.api.forms import validator_map
    app.add_api(str(ctx.settings.openapi_dir / "conformance.yaml"), base_path="/conformance/api",
                strict_validation=False, validate_responses=False,
                validator_map=validator_map(ctx.settings.max_request_bytes))
    app.app.register_blueprint(blueprint)


def _ctx():
    return flask.current_app.extensions["skdt"]


def _facility() -> str:
    return flask.g.facility


@blueprint.route("/portal/chung-nhan", methods=["GET", "POST"])
@login_required
def sessions():
    error = None
    if flask.request.method == "POST":
        form = flask.request.form
        try:
            opened = service.open_session(_ctx(), _facility(), flask.g.username, form.get("software", ""),
                                          form.get("vendor", ""), form.get("version", ""), form.get("profile", "QD3176"))
        except SandboxError as exc:
            error = exc.screen_vi
        else:
            return flask.redirect(flask.url_for("conformance.session", session_id=opened["id"]))
    return flask.render_template("conformance_sessions.html", sessions=service.list_sessions(_ctx(), _facility()),
                                 error=error, username=flask.g.username, suite=SUITE), (422 if error else 200)


@blueprint.route("/portal/chung-nhan/<session_id>", methods=["GET", "POST"])
@login_required
def session(session_id: str):
    error = None
    try:
        if flask.request.method == "POST":
            form = flask.request.form
            if form.get("action") == "close":
                service.close(_ctx(), session_id, _facility())
            else:
                service.attest(_ctx(), session_id, form.get("check_id", ""), form.get("attested_by", ""),
                               form.get("statement", ""), _facility())
            return flask.redirect(flask.url_for("conformance.session", session_id=session_id))
        report = service.progress(_ctx(), session_id, _facility())
    except SandboxError as exc:
        if exc.code_info.code == "4041":
            flask.abort(404)
        error, report = exc.screen_vi, service.progress(_ctx(), session_id, _facility())
    return flask.render_template("conformance_session.html", report=report, attested=ATTESTED, error=error,
                                 username=flask.g.username, provoked=service.PROVOKED_RULES)


@blueprint.route("/portal/chung-nhan/<session_id>/bao-cao.<fmt>")
@login_required
def session_report(session_id: str, fmt: str):
    if fmt not in WRITERS:
        flask.abort(404)
    try:
        report = service.progress(_ctx(), session_id, _facility())
    except SandboxError:
        flask.abort(404)
    writer, mime = WRITERS[fmt]
    name = SUFFIX[fmt]
    return flask.Response(writer(report), mimetype=mime.split(";")[0],
                          headers={"Content-Disposition": f'attachment; filename="{session_id}-{name}"'})


@blueprint.route("/.well-known/jwks.json")
def issuer_jwks():
    """The readiness certificates' issuing key (public), to verify a certificate offline."""
    from .certificate import jwks
    response = flask.jsonify(jwks(service.issuer(_ctx())))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@blueprint.route("/chung-nhan/issuer.pem")
def issuer_pem():
    """The issuer's certificate (PEM): ``skdt-sandbox certificate verify FILE --issuer issuer.pem``."""
    return flask.Response(service.issuer(_ctx()).cert_pem, mimetype="application/x-pem-file",
                          headers={"Content-Disposition": 'attachment; filename="skdt-issuer.pem"'})


@blueprint.route("/chung-nhan/<certificate_id>")
def verify_page(certificate_id: str):
    try:
        row = service.certificate_record(_ctx(), certificate_id)
    except SandboxError:
        return flask.render_template("conformance_verify.html", verdict=None, certificate_id=certificate_id), 404
    return flask.render_template("conformance_verify.html", verdict=service.verify_online(_ctx(), row.token),
                                 certificate_id=certificate_id)


@blueprint.route("/chung-nhan/<certificate_id>.pdf")
def certificate_pdf(certificate_id: str):
    try:
        data = service.certificate_pdf_for(_ctx(), certificate_id)
    except Exception:  # noqa: BLE001 - unknown, tampered or expired: no PDF, a page saying so
        return flask.redirect(flask.url_for("conformance.verify_page", certificate_id=certificate_id))
    return flask.Response(data, mimetype="application/pdf",
                          headers={"Content-Disposition": f'attachment; filename="chung-nhan-{certificate_id}.pdf"'})
