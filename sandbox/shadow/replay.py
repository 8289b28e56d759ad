"""Replay without a proxy: judge a folder of exported envelopes and compare with the verdicts the real
portal showed, given as a CSV or xlsx file.

The verdict file's columns, by header (case, accents and spaces ignored; the real portal's export is not
in our documents, so these are the names we accept — UNCONFIRMED):
  MA_LK      — "MA_LK", "Mã liên kết", "maLk"                             (required)
  TRANG_THAI — "TRANG_THAI", "Trạng thái", "Kết quả", "KET_QUA"            (required): a value reading
               "hợp lệ", "HOP_LE", "thành công", "đã tiếp nhận" is accepted; "không hợp lệ", "lỗi",
               "từ chối", "KHONG_HOP_LE" refused
  MA_LOI     — "MA_LOI", "Mã lỗi", "maLoi"  (optional): error codes, separated by ; , or spaces
Envelopes: *.xml files (the signed GIAMDINHHS) or *.txt / *.b64 (fileHSBase64), in the folder and below.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from pathlib import Path

from lxml import etree

from sandbox.context import Context
from sandbox.errors import InvalidInputError
from sandbox.pipeline.runner import evaluate
from sandbox.pipeline.service import stage_context_for

from .compare import Comparison, Report, Verdict

HEADERS = {"ma_lk": ("malk", "malienket"), "status": ("trangthai", "ketqua"), "codes": ("maloi",)}
ACCEPTED = ("hople", "thanhcong", "datiepnhan", "accepted", "valid")
REFUSED = ("khonghople", "loi", "tuchoi", "khongthanhcong", "rejected", "invalid")


def plain(text: str) -> str:
    """'Trạng thái' → 'trangthai' (accents, case, spaces and punctuation gone)."""
    folded = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "D")
    return re.sub(r"[^a-z0-9]", "", "".join(ch for ch in folded if not unicodedata.combining(ch)).lower())


def read_verdicts(path: Path) -> dict[str, Verdict]:
    """MA_LK → the upstream's verdict, from the portal's CSV or xlsx."""
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook
        sheet = load_workbook(path, read_only=True, data_only=True).active
        rows = [[("" if v is None else str(v)) for v in r] for r in sheet.iter_rows(values_only=True)]
        header, body = rows[0], rows[1:]
        records = [dict(zip(header, r)) for r in body]
    else:
        from sandbox.tables import read_csv
        records = read_csv(path.read_bytes())
    if not records:
        raise InvalidInputError("tệp kết quả không có dòng nào", "the verdict file has no rows")
    columns = {}
    for name in records[0]:
        for key, aliases in HEADERS.items():
            if plain(name) in aliases:
                columns[key] = name
    missing = {"ma_lk", "status"} - set(columns)
    if missing:
        raise InvalidInputError("tệp kết quả cần cột MA_LK và TRANG_THAI (Mã liên kết, Trạng thái)",
                                "the verdict file needs MA_LK and TRANG_THAI columns")
    out = {}
    for i, r in enumerate(records, start=2):
        status = plain(r.get(columns["status"], ""))
        if status in REFUSED or status.startswith("khong"):
            valid = False
        elif status in ACCEPTED:
            valid = True
        else:
            raise InvalidInputError(f"dòng {i}: không đọc được trạng thái {r.get(columns['status'])!r}",
                                    f"row {i}: unknown status {r.get(columns['status'])!r}")
        codes = frozenset(c for c in re.split(r"[;,\s]+", r.get(columns.get("codes", ""), "") or "") if c)
        out[str(r[columns["ma_lk"]]).strip()] = Verdict(valid, codes if not valid else frozenset())
    return out


def envelopes(folder: Path):
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() == ".xml":
            yield path, path.read_bytes()
        elif path.suffix.lower() in (".txt", ".b64"):
            try:
                yield path, base64.b64decode(path.read_bytes().strip(), validate=True)
            except (binascii.Error, ValueError):
                yield path, b""


def facility_of(payload: bytes) -> str:
    try:
        root = etree.fromstring(payload, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError:
        return ""
    found = root.find(".//MACSKCB")
    return (found.text or "").strip() if found is not None else ""


def replay(ctx: Context, folder: Path, verdicts: dict[str, Verdict], profile: str = "QD3176") -> Report:
    """Judge every envelope as the gateway would (the facility's certificates registered here) and set
    each HOSO's verdict beside the upstream's, matched by MA_LK."""
    report = Report()
    for path, payload in envelopes(folder):
        facility = facility_of(payload)
        outcome = evaluate(payload, stage_context_for(ctx, "HOSO", profile, facility),
                           ctx.settings.max_decoded_file_bytes)
        envelope_errors = frozenset(f.code for f in outcome.findings if f.is_error)
        for record in outcome.records or ():
            errors = envelope_errors | frozenset(f.code for f in record.findings if f.is_error)
            key = record.ma_lk or f"{path.name}#{record.position}"
            report.comparisons.append(Comparison(key, Verdict(not errors, errors),
                                                 verdicts.get(key, Verdict(None)), str(path.relative_to(folder))))
        if not outcome.records:
            report.comparisons.append(Comparison(path.name, Verdict(False, envelope_errors), Verdict(None),
                                                 str(path.relative_to(folder))))
    return report
