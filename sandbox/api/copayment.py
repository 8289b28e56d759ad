"""Handler of POST /api/TraCuuCCT/TraCuuTienMCCT (the co-payment look-up, CV 1839/CNTT-PM), with its
quirks as the CV's annex describes them: MaKetQua decides, not the HTTP status; 204 with HTTP 200 for "no
card" and for "no co-payment"; 401 with an empty body for a bad or expired token or a call from another
address than the token's (sessions of 10 minutes); the two kinds of 500 told apart by GhiChu; the data's
freshness in GhiChu."""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict, deque
from datetime import timedelta

import flask

from .. import auth, copayment, exchanges, explain, faults
from ..card_check import BIRTH, _birth_matches, normalise_name
from ..clock import VN_TZ, as_utc
from ..errors import AuthenticationError, SandboxError
from ..result_codes import ResultCode as RC
from ..security import keyed_digest
from ..storage import people
from .common import client_ip, context

SESSION = timedelta(minutes=10)
ROUTE = "/api/TraCuuCCT/TraCuuTienMCCT"
RESTRICTED = "Có lỗi xảy ra trong quá trình tra cứu!"
SYSTEM_ERROR = "Có lỗi hệ thống xảy ra trong quá trình xử lý!"
MCCT_BIRTH = re.compile(r"^(\d{2}/\d{2}/\d{4}|\d{2}/\d{4}|\d{4})$")
_recent: dict[str, deque] = defaultdict(deque)
_lock = threading.Lock()


def _over_limit(username: str, per_minute: int) -> bool:
    """Look-ups of the account in the last minute (this process) over the limit: the account is restricted."""
    now = time.monotonic()
    with _lock:
        calls = _recent[username]
        while calls and now - calls[0] > 60:
            calls.popleft()
        calls.append(now)
        return len(calls) > per_minute


def _answer(code: str, note: str, status: int, data=None, card=None):
    return {"MaKetQua": code, "GhiChu": note, "DataCCT": data, "ThongTinSoThe": card}, status


def _dmy(value: str) -> str:
    """yyyyMMdd… → dd/MM/yyyy ("" when empty), as the gateway formats its dates."""
    return f"{value[6:8]}/{value[4:6]}/{value[:4]}" if len(value) >= 8 else ""


def look_up(body=None):
    """connexion's entry; the fast path calls ``answer`` itself, without a Flask request."""
    out, status = answer(context(), flask.request.headers, client_ip(), body)
    return flask.Response(b"", status) if out is None else (out, status)


def answer(ctx, headers, ip: str | None, body, **_query) -> tuple[dict | None, int]:
    """(the answer, its HTTP status) from the call's headers (case-insensitive), the caller's address and the
    body; None for the empty 401.  One lookup connection: the token, the card, the co-payments."""
    provoked = []

    def work(conn):
        try:
            caller = auth.authenticate(ctx, headers.get("accessToken"), headers.get("tokenId"),
                                       headers.get("passwordHash"), ip, conn)
        except SandboxError as exc:
            if exc.facts is not None:
                explain.note(ctx, ROUTE, exc)
            return None, (None, 401)
        return caller, _judged(ctx, caller, headers, ip, body, conn, provoked)
    caller, out = ctx.db.lookup(work)
    if caller is not None and caller.session_id:   # a certification session logs the look-up (HIS-FLOW-07)
        exchanges.record(ctx, caller.facility_code, session_id=caller.session_id, username=caller.username,
                         operation=faults.COPAYMENT, http_status=out[1],
                         ma_ket_qua="" if out[0] is None else out[0]["MaKetQua"],
                         token_digest=keyed_digest(ctx.settings.secret_key, headers.get("accessToken", ""),
                                                   headers.get("tokenId", "")),
                         fault="".join(provoked))
    return out


def _judged(ctx, caller, headers, ip, body, conn, provoked: list):
    now = ctx.clock.now()
    if caller.token_issued_at is None or now - as_utc(caller.token_issued_at) > SESSION or caller.token_ip != (ip or ""):
        explain.note(ctx, ROUTE, AuthenticationError(        # the body is empty: the portal says why
            "phiên tra cứu cùng chi trả: 10 phút kể từ khi lấy token, từ cùng địa chỉ",
            "co-payment sessions last 10 minutes from the token, from the same address", code=RC.TOKEN_EXPIRED,
            facts={"facility": caller.facility_code, "username": caller.username,
                   "seen": {"Token lấy lúc": explain.vn(caller.token_issued_at), "Địa chỉ lấy token": caller.token_ip
                            or "—", "Địa chỉ gọi": ip or "—"},
                   "expected": {"Phiên": "trong 10 phút kể từ khi lấy token, gọi từ đúng địa chỉ đã lấy token"}}))
        return None, 401                                    # 10-minute session, bound to the address
    if faults.pending(ctx, caller.username, caller.facility_code, faults.COPAYMENT, headers.get(faults.HEADER),
                      caller.fault_armed) == "copayment_401":
        provoked.append("copayment_401")
        return None, 401
    given = body if isinstance(body, dict) else {}
    username = str(given.get("username") or "").strip()
    ma_the = "".join(str(given.get("maThe") or "").split())
    ho_ten, ngay_sinh = " ".join(str(given.get("hoTen") or "").split()), str(given.get("ngaySinh") or "").strip()
    problems = [p for p, bad in (
        ("username: tài khoản tra cứu", username not in (caller.username, caller.facility_code)),
        ("maThe: 10, 12 hoặc 15 ký tự", len(ma_the) not in (10, 12, 15)),
        ("hoTen: bắt buộc", not ho_ten),
        ("ngaySinh: dd/MM/yyyy, MM/yyyy hoặc yyyy", not MCCT_BIRTH.match(ngay_sinh))) if bad]
    if problems:
        return _answer("400", "Thiếu hoặc sai tham số: " + "; ".join(problems), 400)
    if _over_limit(caller.username, ctx.settings.mcct_per_minute):
        return _answer("500", RESTRICTED, 500)
    return _copayments(conn, ma_the, ho_ten, ngay_sinh, now.astimezone(VN_TZ))


def _copayments(conn, ma_the: str, ho_ten: str, ngay_sinh: str, today):
    """The answer for a well-formed look-up: the card's holder and the year's co-payments, or 204 / 500."""
    card = people.card_by_key(conn, ma_the.upper())
    if card is None or normalise_name(card.full_name) != normalise_name(ho_ten) or \
            not (BIRTH.match(ngay_sinh) and _birth_matches(ngay_sinh, card.birth_date)):
        return _answer("204", "Không tìm thấy thông tin thẻ hoặc không có chi phí cùng chi trả", 200)
    if card.simulate == "500":
        return _answer("500", SYSTEM_ERROR, 500)
    parts = copayment.exempt_parts(copayment.lines(conn, card, today.year), today.year, card.five_years_from)
    if not parts:
        return _answer("204", "Không tìm thấy thông tin thẻ hoặc không có chi phí cùng chi trả", 200)
    asked = today.strftime("%d/%m/%Y")
    data = [{"Id": line.id, "ngayTraCuu": asked, "maThe": line.card or card.number, "maCskcb": line.facility,
             "ngayVao": _dmy(line.admitted), "ngayRa": _dmy(line.discharged), "maDoiTuongKCB": line.object_code,
             "tBNCCTMCCT": float(exempt), "tBNCCTLuyKe": float(running),
             "ngayNhanCong": as_utc(line.received).astimezone(VN_TZ).strftime("%d/%m/%Y"),
             "ngayNhan": as_utc(line.received).astimezone(VN_TZ).strftime("%d/%m/%Y"),
             **{f"duPhong{i}": "" for i in range(1, 6)}}
            for line, running, exempt in reversed(parts)]         # newest discharge first
    holder = {"hoTen": card.full_name, "ngaySinh": _dmy(card.birth_date), "ngayKetThuc": _dmy(card.valid_to),
              "maBhxh": card.bhxh_number, **{f"duPhong{i}": "" for i in range(1, 6)}}
    limit = f"{copayment.threshold(today.year):,.0f}".replace(",", ".")
    note = (f"Dữ liệu từ hồ sơ đã tiếp nhận trên Cổng (sandbox), tính đến {today:%d/%m/%Y %H:%M}; "
            f"ngưỡng miễn cùng chi trả năm {today.year}: {limit} đồng")
    return _answer("200", note, 200, data, holder)
