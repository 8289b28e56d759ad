"""Request-level rules of the submission endpoints, and the durable store before acknowledgement.

Every refusal here happens before anything is written.  A call that passes is committed
(raw payload included) before the caller is told 200 and given its maGiaoDich.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from . import admission
from .auth import Caller, authenticate
from .context import Context
from .errors import AuthorisationError, FileFormatError, FileTooLargeError, ParameterError
from .pipeline.parsing import (ROOT_CHECKIN, ROOT_GDYK, ROOT_HOSO, XmlRefused, decode_base64,
                               envelope_facility, parse_document, table_rows, text_of)
from .reference.facilities import current_province, is_facility_code
from .result_codes import ResultCode as RC
from .storage.submissions import acknowledge


@dataclass(frozen=True)
class Endpoint:
    name: str
    kind: str            # HOSO | CHECKIN | GDYK
    profile: str         # QD130 | QD4750 | QD3176
    loai_ho_so: tuple[str, ...]
    root: str


def _endpoints() -> dict[str, Endpoint]:
    out = {}
    for profile, hoso, checkin in (("QD130", "guiHoSoXmlQD130", "checkInKcbQd130"),
                                   ("QD4750", "guiHoSoXmlQD4750", "checkInKcbQd4750"),
                                   ("QD3176", "guiHoSoXmlQD3176", "checkInKcbQd3176")):
        number = profile[2:]
        # CV 1245: loaiHoSo=130 also on the 4750 endpoint; we also accept the profile's own number.
        out[hoso] = Endpoint(hoso, "HOSO", profile, tuple(dict.fromkeys(("130", number))), ROOT_HOSO)
        out[checkin] = Endpoint(checkin, "CHECKIN", profile, ("0",), ROOT_CHECKIN)
    out["guiDuLieuGdykQd130"] = Endpoint("guiDuLieuGdykQd130", "GDYK", "QD130", ("12",), ROOT_GDYK)
    return out


ENDPOINTS = _endpoints()


@dataclass(frozen=True)
class Receipt:
    transaction_id: str
    received_at: datetime
    caller: Caller


def _facts(caller: Caller, seen: dict, expected: dict) -> dict:
    return {"facility": caller.facility_code, "username": caller.username, "seen": seen, "expected": expected}


def check_facility_fields(caller: Caller, ma_tinh: str, ma_cskcb: str) -> None:
    facts = _facts(caller, {"maCSKCB (form)": ma_cskcb, "maTinh (form)": ma_tinh},
                   {"maCSKCB": f"{caller.facility_code} (cơ sở của tài khoản {caller.username})",
                    "maTinh": f"{caller.facility_code[:2]} (2 số đầu của maCSKCB)"
                              + (f" hoặc {current_province(caller.facility_code)} (tỉnh từ 01/07/2025)"
                                 if current_province(caller.facility_code) != caller.facility_code[:2] else "")})
    if not is_facility_code(ma_cskcb):
        raise ParameterError(f"nhận được {ma_cskcb!r}", f"got {ma_cskcb!r}", code=RC.MA_CSKCB_FORMAT, facts=facts)
    # A facility of a merged province keeps its code (58xxx in Khánh Hòa): its two first digits or the
    # province it is in now are both taken (which one the gateway wants after the reform is UNCONFIRMED).
    if ma_tinh not in (ma_cskcb[:2], current_province(ma_cskcb)):
        raise ParameterError(f"maCSKCB {ma_cskcb} → maTinh phải là {ma_cskcb[:2]}, nhận {ma_tinh!r}",
                             f"maCSKCB {ma_cskcb} → maTinh must be {ma_cskcb[:2]}, got {ma_tinh!r}",
                             code=RC.MA_TINH_MISMATCH, facts=facts)
    if ma_cskcb != caller.facility_code:
        raise AuthorisationError(f"tài khoản {caller.username} thuộc cơ sở {caller.facility_code}",
                                 f"account {caller.username} belongs to facility {caller.facility_code}",
                                 code=RC.FACILITY_NOT_OWNED, facts=facts)


def decode_payload(ctx: Context, file_b64: str) -> bytes:
    try:
        return decode_base64(file_b64, ctx.settings.max_decoded_file_bytes)
    except XmlRefused as exc:
        if exc.reason == "too_large":
            raise FileTooLargeError(exc.detail_vi, exc.detail) from exc
        raise ParameterError(exc.detail_vi, exc.detail, code=RC.NOT_BASE64) from exc


def parse_payload(data: bytes):
    try:
        return parse_document(data)
    except XmlRefused as exc:
        code = {"not_utf8": RC.NOT_UTF8, "dtd": RC.FORBIDDEN_XML, "too_deep": RC.TOO_DEEP}.get(
            exc.reason, RC.NOT_WELL_FORMED)
        where = f" (dòng {exc.line})" if exc.line else ""
        where_en = f" (line {exc.line})" if exc.line else ""
        raise FileFormatError(exc.detail_vi + where, exc.detail + where_en, code=code) from exc


def check_document_facility(root, endpoint: Endpoint, ma_cskcb: str) -> None:
    if root.tag != endpoint.root:
        raise FileFormatError(f"{endpoint.name} cần phần tử gốc <{endpoint.root}>, nhận <{root.tag}>",
                              f"{endpoint.name} expects root <{endpoint.root}>, got <{root.tag}>",
                              code=RC.WRONG_ROOT)
    if endpoint.kind == "HOSO":
        declared = envelope_facility(root)
        if declared != ma_cskcb:
            raise AuthorisationError(f"THONGTINDONVI/MACSKCB là {declared!r}, maCSKCB là {ma_cskcb}",
                                     f"THONGTINDONVI/MACSKCB is {declared!r}, maCSKCB is {ma_cskcb}",
                                     code=RC.ENVELOPE_FACILITY_MISMATCH, facts={
                                         "facility": ma_cskcb,
                                         "seen": {"THONGTINDONVI/MACSKCB (hồ sơ)": declared or "(trống)",
                                                  "maCSKCB (form)": ma_cskcb},
                                         "expected": {"THONGTINDONVI/MACSKCB": f"{ma_cskcb}, bằng maCSKCB của form"}})
    elif endpoint.kind == "CHECKIN":
        for i, row in enumerate(table_rows(root), start=1):
            declared = text_of(row, "MA_CSKCB")
            if declared and declared != ma_cskcb:
                raise AuthorisationError(f"TRANG_THAI_KCB[{i}]/MA_CSKCB là {declared!r}, maCSKCB là {ma_cskcb}",
                                         f"TRANG_THAI_KCB[{i}]/MA_CSKCB is {declared!r}, maCSKCB is {ma_cskcb}",
                                         code=RC.ENVELOPE_FACILITY_MISMATCH)


def receive(ctx: Context, endpoint_name: str, headers: dict, form: dict, client_ip: str | None,
            caller: Caller | None = None) -> Receipt:
    """Apply every request-level rule, then commit the raw submission.  Raises SandboxError.
    ``caller``: the call's headers already authenticated (by the handler), not checked twice."""
    endpoint = ENDPOINTS[endpoint_name]
    if caller is None:
        caller = authenticate(ctx, headers.get("accessToken"), headers.get("tokenId"),
                              headers.get("passwordHash"), client_ip)
    username = (form.get("username") or "").strip()
    if username != caller.username:
        raise AuthorisationError(f"username={username!r} nhưng token cấp cho {caller.username}",
                                 f"username={username!r} but the token belongs to {caller.username}",
                                 code=RC.USERNAME_MISMATCH, facts=_facts(
                                     caller, {"username (form)": username[:100] or "(trống)"},
                                     {"username": f"{caller.username} (tài khoản của token)"}))
    loai = (form.get("loaiHoSo") or "").strip()
    if loai not in endpoint.loai_ho_so:
        allowed = " hoặc ".join(endpoint.loai_ho_so)
        raise ParameterError(f"{endpoint.name} nhận loaiHoSo={allowed}, nhận được {loai!r}",
                             f"{endpoint.name} takes loaiHoSo={' or '.join(endpoint.loai_ho_so)}, got {loai!r}",
                             code=RC.LOAI_HO_SO_MISMATCH, facts=_facts(
                                 caller, {"loaiHoSo (form)": loai[:20] or "(trống)", "Chức năng": endpoint.name},
                                 {"loaiHoSo": allowed}))
    ma_cskcb = (form.get("maCSKCB") or "").strip()
    check_facility_fields(caller, (form.get("maTinh") or "").strip(), ma_cskcb)
    admission.check(ctx)          # the workers too far behind: 1011, resend later, nothing stored
    payload = decode_payload(ctx, form.get("fileHSBase64") or "")
    check_document_facility(parse_payload(payload), endpoint, ma_cskcb)
    now = ctx.clock.now()
    transaction_id = uuid.uuid4().hex.upper()
    ctx.db.intake(lambda conn: acknowledge(conn, id=transaction_id, facility_code=ma_cskcb, username=caller.username,
                                           endpoint=endpoint.name, profile=endpoint.profile, kind=endpoint.kind,
                                           loai_ho_so=loai, payload=payload, now=now))
    return Receipt(transaction_id, now, caller)
