"""Handlers of openapi/conformance.yaml (mounted at /conformance/api by conformance.web.install)."""

from __future__ import annotations

import flask

from sandbox import auth
from sandbox.api.common import answer_errors, client_ip, context

from . import service
from .reports import SUFFIX, WRITERS


def _caller():
    h = flask.request.headers
    return auth.authenticate(context(), h.get("accessToken"), h.get("tokenId"), h.get("passwordHash"), client_ip())


@answer_errors
def list_sessions():
    return {"maKetQua": "200", "phien": service.list_sessions(context(), _caller().facility_code)}


@answer_errors
def open_session(body):
    caller = _caller()
    session = service.open_session(context(), caller.facility_code, caller.username, body["software"], body["vendor"],
                                   body["version"], body.get("profile", "QD3176"))
    return {"maKetQua": "200", **session}, 201


@answer_errors
def session_progress(session_id):
    return service.progress(context(), session_id, _caller().facility_code)


@answer_errors
def attest(session_id, body):
    return {"maKetQua": "200", **service.attest(context(), session_id, body["checkId"], body["attestedBy"],
                                                body["statement"], _caller().facility_code)}


@answer_errors
def close_session(session_id):
    closed = service.close(context(), session_id, _caller().facility_code)
    report = closed["report"]
    return {"maKetQua": "200", "outcome": report["outcome"], "counts": report["counts"],
            "certificate": closed["certificate"]}


@answer_errors
def report(session_id, format="json"):
    data = service.progress(context(), session_id, _caller().facility_code)
    writer, mime = WRITERS[format]
    name = SUFFIX[format]
    return flask.Response(writer(data), mimetype=mime.split(";")[0],
                          headers={"Content-Disposition": f'attachment; filename="{session_id}-{name}"'})


@answer_errors
def certificate(certificate_id):
    row = service.certificate_record(context(), certificate_id)
    return {"maKetQua": "200", "id": row.id, "token": row.token, **service.verify_online(context(), row.token)}


def verify(body):
    return service.verify_online(context(), str(body.get("token", "")))
