"""Handler of POST /api/egw/KQNhanLichSuKCB2024 (card check)."""

from __future__ import annotations

import flask

from .. import auth, card_check
from ..errors import SandboxError
from ..result_codes import CARD_CODES
from .common import client_ip, context


def _refusal(code: str, detail_vi: str, detail_en: str) -> dict:
    info = CARD_CODES[code]
    return {"maKetQua": code, "ghiChu": f"{info.vi}: {detail_vi}", "ghiChuEn": f"{info.en}: {detail_en}",
            "dsLichSuKCB2018": [], "dsLichSuKT2018": []}


def check_card(body=None, token=None, id_token=None, username=None, password=None):
    return answer(context(), flask.request.headers, client_ip(), body,
                  token=token, id_token=id_token, username=username, password=password)


def answer(ctx, headers, ip: str | None, body, token=None, id_token=None, username=None, password=None) -> dict:
    """The look-up itself, from the call's headers (case-insensitive), the caller's address and the
    JSON body — no Flask request needed (the fast path calls it directly).  One lookup connection
    serves the token, the decision, the history and the log line."""
    def work(conn) -> dict:
        try:
            caller = auth.authenticate(ctx, headers.get("accessToken") or token, headers.get("tokenId") or id_token,
                                       headers.get("passwordHash") or password, ip, conn)
        except SandboxError as exc:
            return _refusal("401", exc.message_vi, exc.message_en)
        if username and username != caller.username:
            return _refusal("401", f"username {username} khác tài khoản của token", "username is not the token's account")
        given = body if isinstance(body, dict) else {}
        req = card_check.CheckRequest(*(str(given.get(k) or "").strip()
                                        for k in ("maThe", "hoTen", "ngaySinh", "hoTenCb", "cccdCb")))
        problems = card_check.parameter_problems(req)
        if problems:
            return _refusal("205", "; ".join(problems), "; ".join(problems))
        return card_check.check(ctx, caller, req, conn)
    return ctx.db.lookup(work)
