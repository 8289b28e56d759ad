"""Handlers of openapi/admin.yaml; each delegates to sandbox.admin."""

from __future__ import annotations

import functools

import flask

from .. import admin
from ..errors import AuthorisationError
from ..result_codes import ResultCode
from ..security import same
from ..storage import audit
from .common import answer_errors, context


def check_admin_token(token, required_scopes=None):
    """Connexion security hook: the header must be present; its value is checked per app below."""
    return {"sub": "admin"} if token else None


def admin_only(fn):
    """Compare X-Admin-Token with this app's settings (the security middleware has no app context)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        token = flask.request.headers.get("X-Admin-Token", "")
        if not same(token, context().settings.admin_token):
            raise AuthorisationError("gửi header X-Admin-Token đúng", "send the right X-Admin-Token header",
                                     code=ResultCode.ADMIN_TOKEN_INVALID)
        answer = fn(*args, **kwargs)
        if flask.request.method != "GET":   # a decision: into the audit log, by its identifiers only
            target = next((str(kwargs[k]) for k in ("code", "username", "fingerprint") if k in kwargs), "")
            body = kwargs.get("body") if isinstance(kwargs.get("body"), dict) else {}
            target = target or next((str(body[k]) for k in ("code", "username", "facility") if k in body), "")
            audit.record(context(), "X-Admin-Token", "admin", fn.__name__, target,
                         {"fields": sorted(k for k in body if k not in ("password", "certificatePem", "pem"))})
        return answer
    return wrapper


@answer_errors
@admin_only
def list_facilities(province=None):
    return admin.list_facilities(context(), province)


@answer_errors
@admin_only
def add_facility(body):
    return admin.add_facility(context(), body["code"], body["name"], body.get("districtCode", ""),
                             body.get("communeCode", "")), 201


@answer_errors
@admin_only
def suspend_facility(code):
    return admin.set_facility_status(context(), code, "suspended")


@answer_errors
@admin_only
def activate_facility(code):
    return admin.set_facility_status(context(), code, "active")


@answer_errors
@admin_only
def list_accounts(facility=None):
    return admin.list_accounts(context(), facility)


@answer_errors
@admin_only
def add_account(body):
    return admin.add_account(context(), body["username"], body["facility"], body["password"],
                             body.get("fullName", ""), body.get("allowedIps")), 201


@answer_errors
@admin_only
def update_account(username, body):
    return admin.update_account(context(), username, active=body.get("active"),
                                unlock=bool(body.get("unlock")), allowed_ips=body.get("allowedIps"),
                                password=body.get("password"), rehearse_as_of=body.get("rehearseAsOf", False))


@answer_errors
@admin_only
def list_certificates(facility=None):
    return admin.list_certificates(context(), facility)


@answer_errors
@admin_only
def add_certificate(body):
    return admin.add_certificate(context(), body["facility"], body["pem"]), 201


@answer_errors
@admin_only
def revoke_certificate(fingerprint, body=None):
    body = body or {}
    return admin.revoke_certificate(context(), fingerprint, body.get("reason", ""), body.get("facility"))


@answer_errors
@admin_only
def get_clock():
    return admin.clock_state(context())


@answer_errors
@admin_only
def set_clock(body):
    return admin.set_clock(context(), body["offset"])


@answer_errors
@admin_only
def readiness():
    return admin.readiness(context())


@answer_errors
@admin_only
def queue(since=None, maLkPrefix=""):
    from datetime import datetime, timezone
    from ..errors import InvalidInputError
    if isinstance(since, str):
        try:
            since = datetime.fromisoformat(since)
        except ValueError:
            raise InvalidInputError("since là thời điểm ISO 8601, ví dụ 2026-12-01T08:00:00+07:00",
                                    "since must be an ISO 8601 date-time") from None
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
    return admin.queue(context(), since, maLkPrefix.strip()[:40])


@answer_errors
@admin_only
def process_pending():
    from ..pipeline.service import process_pending as run
    return {"processed": run(context())}


@answer_errors
@admin_only
def list_registry(kind, facility=None):
    return admin.list_registry(context(), kind, facility)


@answer_errors
@admin_only
def load_registry(kind, body=None):
    return admin.load_registry(context(), kind, body if isinstance(body, list) else flask.request.get_data())


@answer_errors
@admin_only
def add_vneid_account(body):
    return admin.add_vneid_account(context(), body["soDinhDanh"], body["matKhau"], body["passcode"]), 201


@answer_errors
@admin_only
def display_report():
    return admin.display_report(context())


@answer_errors
@admin_only
def set_fault(username, body):
    from .. import faults
    return faults.set_account_fault(context(), username, body["profile"], body.get("count"))


@answer_errors
@admin_only
def clear_fault(username):
    from .. import faults
    faults.clear_account_fault(context(), username)
    return "", 204


@answer_errors
@admin_only
def audit_log(role=None, limit=200):
    return {"suKien": audit.recent(context(), limit=limit, role=role)}
