"""Structural checks that need no business knowledge: HOSO present, XML1 present, contents decodable."""

from __future__ import annotations

from ..reference.xml_tables import SHAPES
from ..result_codes import ResultCode as RC
from .findings import WARNING, finding
from .parsing import Envelope, HoSo, utf16_label_on_utf8
from .rules.view import file_rows
from .stages import StageContext, envelope_check, hoso_check


@envelope_check("envelope-has-hoso", order=10)
def has_hoso(envelope: Envelope, ctx: StageContext):
    if envelope.hosos:
        return []
    return [finding(RC.ENV_NO_HOSO, xpath="/GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO",
                    hint_vi="thêm ít nhất một HOSO", hint_en="add at least one HOSO")]


@hoso_check("hoso-contents-decodable", order=10)
def contents_decodable(hoso: HoSo, envelope: Envelope, ctx: StageContext):
    out = []
    for f in hoso.files:
        if f.error:
            out.append(finding(RC.ENV_BAD_CONTENT, file_type=f.loai, xpath=f.xpath + "/NOIDUNGFILE",
                               line=f.line, ma_lk=hoso.ma_lk, hint_vi=f.error_vi, hint_en=f.error))
        elif f.raw is not None and utf16_label_on_utf8(f.raw):
            out.append(finding(RC.ENCODING_LABEL, WARNING, file_type=f.loai, xpath=f.xpath + "/NOIDUNGFILE",
                               line=f.line, ma_lk=hoso.ma_lk, hint_vi=f"{f.loai}: khai báo encoding=\"utf-8\"",
                               hint_en=f'{f.loai}: declare encoding="utf-8"'))
    return out


@hoso_check("hoso-has-xml1", order=20)
def has_xml1(hoso: HoSo, envelope: Envelope, ctx: StageContext):
    xml1 = hoso.file("XML1")
    if xml1 is None:
        return [finding(RC.ENV_NO_XML1, xpath=hoso.xpath, line=hoso.line,
                        hint_vi="mỗi HOSO phải có FILEHOSO với LOAIHOSO=XML1",
                        hint_en="every HOSO needs a FILEHOSO with LOAIHOSO=XML1")]
    if xml1.root is not None and not hoso.ma_lk:
        return [finding(RC.ENV_NO_MA_LK, file_type="XML1", xpath=xml1.xpath, line=xml1.line,
                        hint_vi="điền MA_LK trong TONG_HOP", hint_en="fill MA_LK in TONG_HOP")]
    return []


@envelope_check("envelope-count", order=11)
def declared_count(envelope: Envelope, ctx: StageContext):
    if envelope.declared_count == str(len(envelope.hosos)):
        return []
    return [finding(RC.STR_COUNT, xpath="/GIAMDINHHS/THONGTINHOSO/SOLUONGHOSO", value=envelope.declared_count,
                    hint_vi=f"khai báo {envelope.declared_count or '(trống)'}, thực tế {len(envelope.hosos)} HOSO",
                    hint_en=f"declared {envelope.declared_count or '(empty)'}, found {len(envelope.hosos)} HOSO")]


@envelope_check("envelope-unique-ma-lk", order=12)
def unique_ma_lk(envelope: Envelope, ctx: StageContext):
    seen: dict[str, int] = {}
    out = []
    for hoso in envelope.hosos:
        if hoso.ma_lk and hoso.ma_lk in seen:
            out.append(finding(RC.STR_DUP_MA_LK, xpath=hoso.xpath, line=hoso.line, ma_lk=hoso.ma_lk, value=hoso.ma_lk,
                               hint_vi=f"HOSO[{seen[hoso.ma_lk]}] và HOSO[{hoso.position}]",
                               hint_en=f"HOSO[{seen[hoso.ma_lk]}] and HOSO[{hoso.position}]"))
        seen.setdefault(hoso.ma_lk, hoso.position)
    return out


@hoso_check("hoso-unique-loaihoso", order=21)
def unique_loaihoso(hoso: HoSo, envelope: Envelope, ctx: StageContext):
    out, seen = [], set()
    for f in hoso.files:
        if f.loai in seen:
            out.append(finding(RC.STR_DUP_LOAI, file_type=f.loai, xpath=f.xpath + "/LOAIHOSO", line=f.line,
                               ma_lk=hoso.ma_lk, value=f.loai, hint_vi=f"{f.loai} lặp lại", hint_en=f"{f.loai} repeated"))
        seen.add(f.loai)
    return out


@hoso_check("hoso-same-ma-lk", order=22)
def same_ma_lk(hoso: HoSo, envelope: Envelope, ctx: StageContext):
    expected = hoso.ma_lk
    if not expected:
        return []
    out = []
    for f in hoso.files:
        if f.loai == "XML1":
            continue
        for row in file_rows(hoso, f):
            value = row.values.get("MA_LK")
            if value is not None and value != expected:
                out.append(finding(RC.STR_MA_LK, file_type=f.loai, xpath=row.path("MA_LK"), line=row.line,
                                   ma_lk=expected, value=value, hint_vi=f"phải là {expected}",
                                   hint_en=f"must be {expected}"))
    return out


@hoso_check("hoso-stt-sequence", order=23)
def stt_sequence(hoso: HoSo, envelope: Envelope, ctx: StageContext):
    out = []
    for f in hoso.files:
        rows = file_rows(hoso, f)
        if not rows or not rows[0].table or SHAPES[rows[0].table].list is None:
            continue
        for i, row in enumerate(rows, start=1):
            value = row.values.get("STT")
            if value and value != str(i):
                out.append(finding(RC.STR_STT, file_type=f.loai, line=row.line, ma_lk=hoso.ma_lk, value=value,
                                   xpath=row.path("STT"), hint_vi=f"dòng thứ {i} phải có STT={i}",
                                   hint_en=f"row {i} must have STT={i}"))
                break  # one finding per table is enough to explain the numbering
    return out
