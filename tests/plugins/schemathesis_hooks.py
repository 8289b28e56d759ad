"""Schemathesis hooks for the suite's run (``SCHEMATHESIS_HOOKS=tests.plugins.schemathesis_hooks``).

- ``negative_data_rejected``: schemathesis's own ``negative_data_rejection`` read as the wire contract means it.
  The gateway answers its refusals with HTTP 200 and the code in the body (``maKetQua``), as the real one does
  and as HIS clients expect; a spec says so with ``x-refusals-with-http-200: true`` at its root.  For such a spec a
  200 whose body carries a refusal code counts as a rejection; anything else is judged exactly as the built-in
  check judges it (the suite runs that one excluded).
- ``before_call``: the VNeID calls carry the run's session (``SANDBOX_ST_VNEID_SESSION``), except ``POST /logout``,
  which ends the session it is sent with: it gets one of its own (a fresh login with ``SANDBOX_ST_VNEID_LOGIN``);
  the co-payment look-up's ``username`` (the account the token was taken for, a credential like the headers) is
  the run's account (``SANDBOX_ST_USERNAME``) in the cases meant to be valid.
"""

import copy
import json
import os

import httpx
import schemathesis
from schemathesis.specs.openapi.checks import negative_data_rejection

SUCCESS = {"200", "000"}


def _refused_in_body(response) -> bool:
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    code = body.get("maKetQua", body.get("MaKetQua"))
    return code is not None and str(code) not in SUCCESS


@schemathesis.check
def negative_data_rejected(ctx, response, case):
    if (response.status_code == 200 and case.operation.schema.raw_schema.get("x-refusals-with-http-200")
            and _refused_in_body(response)):
        response = copy.copy(response)
        response.status_code = 400
    return negative_data_rejection(ctx, response, case)


@schemathesis.hook
def before_call(ctx, case, kwargs):
    """The VNeID session goes with every VNeID call; ``POST /logout`` gets one of its own."""
    operation = case.operation.definition.raw.get("operationId", "")
    if operation == "sandbox.api.copayment.look_up" and isinstance(case.body, dict) and "username" in case.body \
            and case.meta is not None and not case.meta.generation.mode.is_negative:
        case.body["username"] = os.environ["SANDBOX_ST_USERNAME"]     # the account, as the token's own header is
    if not operation.startswith("sandbox.api.vneid.") or operation == "sandbox.api.vneid.facility_read":
        return
    session = os.environ["SANDBOX_ST_VNEID_SESSION"]
    if operation == "sandbox.api.vneid.logout":
        # a fresh session to end; when the run's wrong logins have slowed logins from this address, a session
        # that does not exist (answered 401, as documented) — never the shared one
        try:
            answer = httpx.post(case.operation.base_url.rstrip("/") + "/login",
                                json=json.loads(os.environ["SANDBOX_ST_VNEID_LOGIN"]), timeout=30)
            session = answer.json()["phien"] if answer.status_code == 200 else "het-han-" + "0" * 32
        except (httpx.HTTPError, ValueError, KeyError):
            session = "het-han-" + "0" * 32
    case.headers = dict(case.headers or {}, **{"X-VNeID-Session": session})
