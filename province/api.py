"""Handlers of openapi/province.yaml (mounted at /so-y-te/api by province.web.install)."""

from __future__ import annotations

import flask

from sandbox.api.admin import admin_only
from sandbox.api.common import answer_errors, client_ip, context

from . import board, campaign, detail, periodic, permissions, settings as province_settings, signoff, users


def check_bearer(token, required_scopes=None):
    """Connexion security hook: a bearer token must be present; it is verified per request below
    (the security middleware runs without the app's context)."""
    return {"sub": "province"} if token else None


def _who() -> users.ProvinceCaller:
    header = flask.request.headers.get("Authorization", "")
    return users.from_token(context(), header[7:].strip() if header.lower().startswith("bearer ") else None)


@answer_errors
def take_token(body):
    ctx = context()
    who = users.login(ctx, body["username"], body["password"], client_ip())
    return {"token": users.issue_token(ctx, who), "expiresIn": users.TOKEN_HOURS * 3600, "province": who.province_code}


@answer_errors
def get_board(district=None, certification=None, q=None, commune=None, formerProvince=None):
    ctx, who = context(), _who()
    signoff.refresh(ctx, who.province_code)
    rows, cfg = board.rows(ctx, who, district=district, query=q, certification=certification, commune=commune,
                           former=formerProvince)
    return {"province": who.province_code, "settings": cfg.as_json(), "summary": board.summary(rows),
            "facilities": [r.as_json() for r in rows]}


@answer_errors
def get_facility(code):
    return detail.facility(context(), _who(), code)


@answer_errors
def sign_off(code, body):
    return signoff.decide(context(), _who(), code, body["decision"], body.get("reason", "")), 201


@answer_errors
def verify_statement(signoff_id):
    return signoff.verify(context(), signoff_id)


@answer_errors
def campaign_schedule():
    return campaign.schedule(context(), _who())


def _tables(tables) -> list[dict]:
    return [{"title": t.title, "note": t.note, "columns": [{"key": k, "label": v} for k, v in t.columns],
             "rows": t.rows, "totals": t.totals or None} for t in tables]


@answer_errors
def campaign_report(kind, period=None):
    p, tables = campaign.report(context(), _who(), kind, period)
    return {"kind": kind, "period": p.label, "due": p.due.isoformat(timespec="minutes"), "tables": _tables(tables)}


@answer_errors
def file_campaign_report(kind, period):
    return campaign.file_report(context(), _who(), kind, period)


@answer_errors
def load_targets(body):
    return campaign.load_targets(context(), _who(), flask.request.get_data())


@answer_errors
def periodic_report(period):
    return {"period": period, "tables": _tables(periodic.report(context(), _who(), period))}


@answer_errors
def periodic_notes(period, body):
    return periodic.save_notes(context(), _who(), period, body.get("difficulties", ""), body.get("proposals", ""),
                               body.get("facility", ""))


@answer_errors
def declare_visits(period, body):
    return periodic.declare_visits(context(), _who(), period, flask.request.get_data())


@answer_errors
def get_settings():
    return province_settings.get(context(), _who().province_code).as_json()


@answer_errors
def put_settings(body):
    permissions.require(_who(), "settings")
    names = {"windowDays": "window_days", "graceDays": "grace_days", "graceThreshold": "grace_threshold",
             "campaignStart": "campaign_start", "campaignEnd": "campaign_end"}
    saved = province_settings.update(context(), _who().province_code,
                                     **{names[k]: v for k, v in body.items() if k in names}).as_json()
    permissions.decided(context(), _who(), "settings", _who().province_code, fields=sorted(k for k in body if k in names))
    return saved


@answer_errors
@admin_only
def list_users(province=None):
    return users.list_users(context(), province)


@answer_errors
@admin_only
def add_user(body):
    return users.add_user(context(), body["username"], body["password"], body.get("fullName", ""),
                          body["organisation"], body["provinceCode"]), 201


@answer_errors
@admin_only
def update_user(username, body):
    return users.update_user(context(), username, active=body.get("active"), password=body.get("password"),
                             unlock=bool(body.get("unlock")))


@answer_errors
def get_onboarding():
    from . import onboarding
    ctx, who = context(), _who()
    rows, _ = board.rows(ctx, who)
    steps = onboarding.progress(ctx, [r.code for r in rows])
    return {"steps": [{"number": s.number, "title": s.title, "who": s.who, "deadline": s.deadline.isoformat(),
                       "evidence": s.evidence} for s in onboarding.STEPS],
            "source": onboarding.SOURCE, "facilities": {code: p.as_json() for code, p in steps.items()},
            "requests": onboarding.requests(ctx, who)}


@answer_errors
def decide_onboarding(request_id, body):
    from . import onboarding
    return onboarding.decide(context(), _who(), request_id, bool(body["approve"]), body.get("reason", ""))
