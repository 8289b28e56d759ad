"""Structural checks that need no business knowledge: HOSO present, XML1 present, contents decodable."""

from __future__ import annotations

from ..result_codes import ResultCode as RC
from .findings import finding
from .parsing import Envelope, HoSo
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
