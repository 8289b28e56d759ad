"""Handler of POST /api/egw/KQNhanLichSuKCB2024 (card check)."""

from __future__ import annotations

import re

import flask

from .. import auth, card_check, exchanges, explain
from ..errors import SandboxError
from ..result_codes import CARD_CODES
from ..security import keyed_digest, md5_upper
from .common import client_ip, context


def _refusal(code: str, detail_vi: str, detail_en: str, history: str = "dsLichSuKCB2018") -> dict:
    info = CARD_CODES[code]
    out = {"maKetQua": code, "ghiChu": f"{info.vi}: {detail_vi}", "ghiChuEn": f"{info.en}: {detail_en}", history: None}
    if history == "dsLichSuKCB2018":
        out["dsLichSuKT2018"] = []
    return out


def _password_hash(value: str | None) -> str | None:
    """The query's ``password``: the MD5 of the password (either case, as clients send it) or, as some
    send it, the password itself."""
    if not value or re.fullmatch(r"[0-9A-Fa-f]{32}", value):
        return value
    return md5_upper(value)


def check_card(body=None, token=None, id_token=None, username=None, password=None):
    return answer(context(), flask.request.headers, client_ip(), body,
                  token=token, id_token=id_token, username=username, password=password)


def answer(ctx, headers, ip: str | None, body, token=None, id_token=None, username=None, password=None,
           look_up=card_check.check, history: str = "dsLichSuKCB2018") -> dict:
    """The look-up itself, from the call's headers (case-insensitive), the caller's address and the
    body — no Flask request needed (the fast path calls it directly).  One lookup connection serves the
    token, the decision, the history and the log line.  ``look_up``: the card check, or Lskcb2025's history."""
    def work(conn) -> dict:
        try:
            caller = auth.authenticate(ctx, headers.get("accessToken") or token, headers.get("tokenId") or id_token,
                                       headers.get("passwordHash") or _password_hash(password), ip, conn)
        except SandboxError as exc:
            if exc.facts is not None:   # "Vì sao bị từ chối?" keeps it for the facility, as for every gateway call
                explain.note(ctx, ROUTE[history], exc)
            return _refusal("401", exc.message_vi, exc.message_en, history)
        if username and username != caller.username:
            return _refusal("401", f"username {username} khác tài khoản của token", "username is not the token's account",
                            history)
        given = body if isinstance(body, dict) else {}
        req = card_check.CheckRequest(*(str(given.get(k) or "").strip()
                                        for k in ("maThe", "hoTen", "ngaySinh", "hoTenCb", "cccdCb")))
        problems = card_check.parameter_problems(req)
        out = _refusal("205", "; ".join(problems), "; ".join(problems), history) if problems else \
            look_up(ctx, caller, req, conn)
        if caller.session_id:   # the facility's certification session logs its look-ups (HIS-FLOW-02, -06)
            exchanges.record(ctx, caller.facility_code, session_id=caller.session_id, username=caller.username,
                             operation=OPERATION[history], http_status=200, ma_ket_qua=str(out.get("maKetQua", "")),
                             token_digest=keyed_digest(ctx.settings.secret_key, headers.get("accessToken") or token or "",
                                                       headers.get("tokenId") or id_token or ""),
                             subject=req.ma_the[:100])
        return out
    return ctx.db.lookup(work)


OPERATION = {"dsLichSuKCB2018": "card_check", "dsLichSuKCB2025": "history_2025"}
ROUTE = {"dsLichSuKCB2018": "/api/egw/KQNhanLichSuKCB2024", "dsLichSuKCB2025": "/api/egw/Lskcb2025"}


def history_2025(body=None, token=None, id_token=None, username=None, password=None):
    """POST /api/egw/Lskcb2025 (CV 2746/BHXH-CNTT): a form-urlencoded body, the token in the query string.
    A JSON body is refused with 205, as the real gateway refuses it (vendors' clients found out)."""
    if flask.request.mimetype != "application/x-www-form-urlencoded":
        return _refusal("205", "Lskcb2025 nhận thân application/x-www-form-urlencoded (maThe, hoTen, ngaySinh, hoTenCb, "
                               "cccdCb); thân JSON bị cổng từ chối",
                        "Lskcb2025 takes an application/x-www-form-urlencoded body; a JSON body is refused",
                        "dsLichSuKCB2025")
    form = body if isinstance(body, dict) else flask.request.form.to_dict()
    return history_answer(context(), flask.request.headers, client_ip(), form, token=token, id_token=id_token,
                          username=username, password=password)


def history_answer(ctx, headers, ip: str | None, body, **query) -> dict:
    """Lskcb2025 on the fast path (a form body already parsed; the query's token parameters)."""
    return answer(ctx, headers, ip, body, **query, look_up=card_check.history_2025, history="dsLichSuKCB2025")


def legacy_2019(body=None, **_query):
    """POST /api/egw/KQNhanLichSuKCB2019: withdrawn; answered with HTTP 410 and where to go instead."""
    return {"maKetQua": "410", "ghiChu": "KQNhanLichSuKCB2019 đã ngừng: tra cứu thẻ dùng KQNhanLichSuKCB2024, "
                                         "lịch sử KCB dùng Lskcb2025 (CV 2746/BHXH-CNTT)",
            "ghiChuEn": "KQNhanLichSuKCB2019 is withdrawn: card check KQNhanLichSuKCB2024, visit history Lskcb2025"}, 410
