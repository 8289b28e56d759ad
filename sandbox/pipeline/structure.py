"""Structural checks that need no business knowledge: HOSO present, XML1 present, contents decodable."""

from __future__ import annotations

from ..reference.xml_tables import SHAPES
from ..result_codes import ResultCode as RC
from .findings import WARNING, finding
from .parsing import Envelope, HoSo, text_of, utf16_label_on_utf8
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


def _rows(root):
    """The rows of a table document: the root itself for flat tables, else the list's children."""
    shape = SHAPES.get(next((t for t, s in SHAPES.items() if s.root == root.tag), ""), None)
    if shape is None or shape.list is None:
        return shape, [root]
    return shape, root.findall(f"{shape.list}/{shape.row}")


@hoso_check("hoso-same-ma-lk", order=22)
def same_ma_lk(hoso: HoSo, envelope: Envelope, ctx: StageContext):
    expected = hoso.ma_lk
    if not expected:
        return []
    out = []
    for f in hoso.files:
        if f.root is None or f.loai == "XML1":
            continue
        shape, rows = _rows(f.root)
        for i, row in enumerate(rows, start=1):
            value = text_of(row, "MA_LK")
            if row.find("MA_LK") is not None and value != expected:
                path = f"/{f.root.tag}" + (f"/{shape.list}/{shape.row}[{i}]" if shape and shape.list else "") + "/MA_LK"
                out.append(finding(RC.STR_MA_LK, file_type=f.loai, xpath=path, line=row.sourceline, ma_lk=expected,
                                   value=value, hint_vi=f"phải là {expected}", hint_en=f"must be {expected}"))
    return out


@hoso_check("hoso-stt-sequence", order=23)
def stt_sequence(hoso: HoSo, envelope: Envelope, ctx: StageContext):
    out = []
    for f in hoso.files:
        if f.root is None:
            continue
        shape, rows = _rows(f.root)
        if shape is None or shape.list is None:
            continue
        for i, row in enumerate(rows, start=1):
            if row.find("STT") is None:
                continue
            value = text_of(row, "STT")
            if value and value != str(i):
                out.append(finding(RC.STR_STT, file_type=f.loai, line=row.sourceline, ma_lk=hoso.ma_lk, value=value,
                                   xpath=f"/{f.root.tag}/{shape.list}/{shape.row}[{i}]/STT",
                                   hint_vi=f"dòng thứ {i} phải có STT={i}", hint_en=f"row {i} must have STT={i}"))
                break  # one finding per table is enough to explain the numbering
    return out
