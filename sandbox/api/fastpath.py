"""The calls a HIS makes most — a submission (form body) and the reception look-ups: the card check (JSON),
the visit history Lskcb2025 (form) and the co-payment look-up (JSON), all three without a Flask request, as is
the VNeID app's read of a year of the Sổ SKĐT (GET /vneid/api/health-book/visits) — answered without connexion's
routing, validation and WSGI bridge, which cost as much as the work itself (measured: a card look-up
4.9 ms through the stack, 2.3 ms in its handler).

Only well-formed calls take this path: POST, no query string (the look-ups: only the vendors' ``token``,
``id_token``, ``username``, ``password``), the content type the operation takes, every required field
present as text, at most ``MAX_FIELDS`` fields.  Anything else is
handed to connexion unchanged (its validation answers the odd cases, as before).  The handlers are
the same functions connexion calls (``sandbox.api.gateway`` in a Flask request context; the card
look-up's ``sandbox.api.card.answer`` needs none), run in a worker thread, so faults, the exchange
log and every refusal are identical.  Card look-ups run in at most ``lookup_threads`` threads per
process (``SANDBOX_LOOKUP_THREADS``, 2): more threads than cores only contend for the interpreter lock.
``SANDBOX_FAST_PATH=false`` turns the path off (the test comparing both paths does).

It sits inside BodyLimit and PathGuard (guards.py): the body it sees is complete and within limits.
"""

from __future__ import annotations

import json
import logging
from typing import NamedTuple
from urllib.parse import parse_qsl

import anyio
from werkzeug.datastructures import Headers

from ..result_codes import ResultCode
from .common import refusal_body
from .vneid import VISITS      # GET: a year of the Sổ SKĐT (the VNeID app's most frequent read)

log = logging.getLogger(__name__)
MAX_FIELDS = 50
FORM = "application/x-www-form-urlencoded"
SUBMISSION_FIELDS = ("username", "loaiHoSo", "maTinh", "maCSKCB", "fileHSBase64")
CARD_FIELDS = ("maThe", "hoTen", "ngaySinh", "hoTenCb", "cccdCb")


class Route(NamedTuple):
    handler: str                  # "module:function"
    content_type: str
    required: tuple[str, ...]
    lookup: bool = False          # answered by card.answer without a Flask request, in the lookup threads
    query: bool = False           # the vendors' token parameters may come in the query string


QUERY_FIELDS = frozenset({"token", "id_token", "username", "password"})


def _routes() -> dict[str, Route]:
    out = {}
    for name, fn in (("guiHoSoXmlQD130", "submit_hoso_qd130"), ("guiHoSoXmlQD4750", "submit_hoso_qd4750"),
                     ("guiHoSoXmlQD3176", "submit_hoso_qd3176"), ("checkInKcbQd130", "checkin_qd130"),
                     ("checkInKcbQd4750", "checkin_qd4750"), ("checkInKcbQd3176", "checkin_qd3176"),
                     ("guiDuLieuGdykQd130", "submit_gdyk")):
        out[f"/api/qd130/{name}"] = Route(f"gateway:{fn}", FORM, SUBMISSION_FIELDS)
    out["/api/egw/KQNhanLichSuKCB2024"] = Route("card:answer", "application/json", CARD_FIELDS, lookup=True, query=True)
    out["/api/egw/Lskcb2025"] = Route("card:history_answer", FORM, CARD_FIELDS, lookup=True, query=True)
    out["/api/TraCuuCCT/TraCuuTienMCCT"] = Route("copayment:answer", "application/json",
                                                 ("username", "maThe", "hoTen", "ngaySinh"), lookup=True)
    return out


ROUTES = _routes()


def visits_query(raw: bytes) -> dict | None:
    """?nam=yyyy&cho=<12 digits>, each at most once and well formed; None: connexion answers."""
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, strict_parsing=True, max_num_fields=2) if raw else []
    except (ValueError, UnicodeDecodeError):
        return None
    given = dict(pairs)
    if len(given) != len(pairs) or not set(given) <= {"nam", "cho"}:
        return None
    if "nam" in given and not (len(given["nam"]) == 4 and given["nam"].isdigit() and 1900 <= int(given["nam"]) <= 2100):
        return None
    if "cho" in given and not (len(given["cho"]) == 12 and given["cho"].isdigit()):
        return None
    return {"nam": int(given["nam"]) if "nam" in given else None, "cho": given.get("cho")}


def _handler(spec: str):
    from . import card, copayment, gateway
    module, name = spec.split(":")
    return getattr({"gateway": gateway, "card": card, "copayment": copayment}[module], name)


def _query(route: Route, raw: bytes) -> dict | None:
    """The query string's token parameters, or None when the call cannot take this path."""
    if not raw:
        return {}
    if not route.query:
        return None
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, strict_parsing=True, max_num_fields=8)
    except (ValueError, UnicodeDecodeError):
        return None
    given = dict(pairs)
    return given if len(given) == len(pairs) and set(given) <= QUERY_FIELDS else None


def parse(body: bytes, content_type: str, required: tuple[str, ...]) -> dict | None:
    """The body as the handler's dict, or None when it is not plainly well formed (connexion decides)."""
    try:
        if content_type == FORM:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True,
                              max_num_fields=MAX_FIELDS)
            data = dict(pairs)
            if len(data) != len(pairs):
                return None                       # a repeated field: connexion's reading applies
        else:
            data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(data, dict) or any(not isinstance(data.get(k), str) for k in required):
        return None
    return data


class FastPath:
    def __init__(self, app, flask_app, settings):
        self.app = app
        self.flask_app = flask_app
        self.settings = settings
        self.enabled = settings.fast_path
        self._lookups = None        # anyio.CapacityLimiter(settings.lookup_threads), made in the event loop

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.enabled and scope.get("path") == VISITS and scope["method"] == "GET":
            query = visits_query(scope.get("query_string") or b"")
            if query is not None:
                return await self._read(scope, send, query)
        route = ROUTES.get(scope.get("path", "")) if scope["type"] == "http" and self.enabled else None
        query = _query(route, scope.get("query_string") or b"") if route is not None else None
        if route is None or scope["method"] != "POST" or query is None:
            return await self.app(scope, receive, send)
        content_type, required = route.content_type, route.required
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers") or []]
        given = next((v for k, v in headers if k.lower() == "content-type"), "")
        chunks, more = [], True
        while more:                                 # complete already (BodyLimit read it)
            message = await receive()
            if message["type"] != "http.request":
                return None
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        data = parse(body, content_type, required) if given.split(";")[0].strip().lower() == content_type else None
        if data is None:
            replay = [{"type": "http.request", "body": body, "more_body": False}]

            async def replayed():
                return replay.pop() if replay else await receive()
            return await self.app(scope, replayed, send)
        limiter = None                              # submissions: anyio's default (they wait on commits)
        if route.lookup:
            if self._lookups is None:
                self._lookups = anyio.CapacityLimiter(max(1, self.settings.lookup_threads))
            limiter = self._lookups
        status, payload = await anyio.to_thread.run_sync(self._answer, route, scope, headers, data, query,
                                                         limiter=limiter)
        kind = [(b"content-type", b"application/json")] if payload else []   # the co-payment look-up's 401 is empty
        await send({"type": "http.response.start", "status": status,
                    "headers": kind + [(b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})

    async def _read(self, scope, send, query: dict) -> None:
        """A year of a citizen's history (the app's most frequent call), in the lookup threads."""
        if self._lookups is None:
            self._lookups = anyio.CapacityLimiter(max(1, self.settings.lookup_threads))
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers") or []]
        status, payload = await anyio.to_thread.run_sync(self._visits, scope, headers, query, limiter=self._lookups)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})

    def _visits(self, scope, headers, query: dict) -> tuple[int, bytes]:
        from . import vneid as vneid_api
        token = next((v for k, v in headers if k.lower() == "x-vneid-session"), None)
        try:
            body, status = vneid_api.year_answer(self.flask_app.extensions["skdt"], token, query["cho"], query["nam"])
            return status, json.dumps(body, ensure_ascii=False).encode()
        except Exception as exc:  # noqa: BLE001
            log.error("unhandled error on %s: %s", scope["path"], type(exc).__name__)
            return 500, json.dumps(refusal_body(ResultCode.SERVER_ERROR, "đề nghị gửi lại sau", "please retry later"),
                                   ensure_ascii=False).encode()

    def _answer(self, route: Route, scope, headers, data: dict, query: dict) -> tuple[int, bytes]:
        client = scope.get("client") or ("", 0)
        environ = {"REMOTE_ADDR": client[0] or "", "wsgi.url_scheme": scope.get("scheme", "http")}
        try:
            if route.lookup:
                from .common import caller_ip
                given = Headers(headers)
                ctx = self.flask_app.extensions["skdt"]
                out = _handler(route.handler)(ctx, given, caller_ip(self.settings, given, environ["REMOTE_ADDR"]), data,
                                              **query)
                body, status = out if isinstance(out, tuple) else (out, 200)     # (None, 401): an empty answer
                return status, b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
            with self.flask_app.test_request_context(scope["path"], method="POST", headers=headers,
                                                     environ_base=environ):
                out = _handler(route.handler)(data)
                if hasattr(out, "get_data"):        # a flask.Response (answer_errors' refusals)
                    return out.status_code, out.get_data()
                body, status = out if isinstance(out, tuple) else (out, 200)
                return status, json.dumps(body, ensure_ascii=False).encode()
        except Exception as exc:  # noqa: BLE001 - answered like connexion's problem handler does
            log.error("unhandled error on %s: %s", scope["path"], type(exc).__name__)
            body = refusal_body(ResultCode.SERVER_ERROR, "đề nghị gửi lại sau", "please retry later")
            return 500, json.dumps(body, ensure_ascii=False).encode()
