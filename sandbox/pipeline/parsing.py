"""Hardened decoding and parsing of gateway payloads: base64, UTF-8, XML without DTDs or entities.

One lxml parser configuration is used everywhere: no DTD loading, no entity resolution, no
network.  Any DOCTYPE is refused outright, so entity bombs never expand.  libxml2 refuses a text
node over 10 MB unless told it may ("huge" mode), and a 20 MB batch carries its XML2 as one
base64 text node of that size: such a document is parsed again in huge mode (safe here, since no
DTD or entity can be in it) and its nesting depth is then checked by us.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from lxml import etree

_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
UTF8_BOM = b"\xef\xbb\xbf"

ROOT_HOSO = "GIAMDINHHS"
ROOT_CHECKIN = "CHI_TIEU_TRANG_THAI_KCB"
ROOT_GDYK = "CHI_TIEU_GIAM_DINH_YKHOA"
ROW_XPATH = {ROOT_CHECKIN: "DSACH_TRANG_THAI_KCB/TRANG_THAI_KCB",
             ROOT_GDYK: "DSACH_GIAM_DINH_YKHOA/GIAM_DINH_YKHOA"}
MAX_DEPTH = 256


class XmlRefused(Exception):
    """Raised with ``reason`` in {"base64", "not_utf8", "dtd", "not_well_formed", "too_deep", "too_large"}."""

    def __init__(self, reason: str, detail: str, line: int | None = None, detail_vi: str = ""):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.detail_vi = detail_vi or detail
        self.line = line


def _parser(huge: bool = False) -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=huge, remove_comments=False,
                           collect_ids=False)


def signxml_parser() -> etree.XMLParser:
    """The parser signxml reads payloads with: ours, in huge mode (DOCTYPE was refused before)."""
    return _parser(huge=True)


def _depth(root: etree._Element) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node)
    return deepest


def decode_base64(text: str | bytes, limit: int) -> bytes:
    raw = text.encode("ascii", "replace") if isinstance(text, str) else text
    compact = raw.translate(None, b" \t\r\n\x0b\x0c")  # line-wrapped base64 is common
    if not compact:
        raise XmlRefused("base64", "empty value", detail_vi="giá trị rỗng")
    if len(compact) // 4 * 3 > limit:
        raise XmlRefused("too_large", f"decoded size exceeds {limit} bytes",
                         detail_vi=f"sau giải mã vượt {limit} byte")
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as exc:
        bad = next((i for i, ch in enumerate(compact)
                    if chr(ch) not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="), None)
        if bad is not None:
            raise XmlRefused("base64", f"invalid character at position {bad}",
                             detail_vi=f"ký tự không hợp lệ ở vị trí {bad}") from exc
        raise XmlRefused("base64", "wrong length or padding", detail_vi="sai độ dài hoặc ký tự đệm '='") from exc


_UTF16_NAMES = (b"utf-16", b"utf16", b"unicode")


def utf16_label_on_utf8(data: bytes) -> bool:
    """``encoding="utf-16"`` on UTF-8 bytes: what .NET writes when XmlSerializer goes through a
    StringWriter and the string is then sent as UTF-8.  The bytes are UTF-8; only the label lies."""
    declared = _DECL_ENCODING.match(data[:200].lstrip(UTF8_BOM))
    return bool(declared) and declared.group(1).lower().replace(b"_", b"-") in _UTF16_NAMES \
        and not data.startswith((b"\xff\xfe", b"\xfe\xff"))


def as_declared_utf8(data: bytes) -> bytes:
    """The document with a mislabelled UTF-16 declaration read as the UTF-8 it is (the declaration
    is not part of what is signed: C14N drops it)."""
    if not utf16_label_on_utf8(data):
        return data
    head, sep, rest = data.partition(b"?>")
    return re.sub(rb"(encoding\s*=\s*[\"'])[A-Za-z0-9._-]+([\"'])", rb"\1utf-8\2", head, count=1) + sep + rest


def parse_document(data: bytes) -> etree._Element:
    """Parse one XML document under the hardened rules; raise XmlRefused with the reason."""
    data = as_declared_utf8(data)
    declared = _DECL_ENCODING.match(data[:200].lstrip(UTF8_BOM))
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        name = declared.group(1).decode()
        raise XmlRefused("not_utf8", f"declared encoding {name} (UTF-8 required)",
                         detail_vi=f"khai báo encoding {name}, yêu cầu UTF-8")
    try:
        if not data.isascii():   # ASCII is UTF-8 (an envelope is mostly base64): no copy to check it
            data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise XmlRefused("not_utf8", f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not UTF-8",
                         line, f"byte 0x{data[exc.start]:02x} ở vị trí {exc.start} không phải UTF-8") from exc
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data:
        raise XmlRefused("dtd", "DOCTYPE/ENTITY declarations are not allowed",
                         detail_vi="không được có khai báo DOCTYPE/ENTITY")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc)
        if "Excessive depth" in message:
            raise XmlRefused("too_deep", "nested deeper than 256 levels", exc.lineno,
                             "lồng nhau quá 256 cấp") from exc
        if "Buffer size limit exceeded" in message or "AttValue length too long" in message:
            # one attribute past libxml2's 10 MB: no attribute of these formats is anywhere near (the longest are
            # signature algorithm URIs); refused without the huge parser, so memory stays near the input's size
            raise XmlRefused("not_well_formed", "an attribute value is longer than 10 MB", exc.lineno,
                             "một giá trị thuộc tính dài quá 10 MB") from exc
        if "too long" not in message and "Huge input" not in message:
            raise XmlRefused("not_well_formed", message, exc.lineno, f"lỗi cú pháp XML: {message}") from exc
        root = _parse_huge(data)
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise XmlRefused("dtd", "DOCTYPE declarations are not allowed",
                         detail_vi="không được có khai báo DOCTYPE")
    return root


def _parse_huge(data: bytes) -> etree._Element:
    try:
        root = etree.fromstring(data, _parser(huge=True))
    except etree.XMLSyntaxError as exc:
        message = str(exc.msg or exc)
        if "Excessive depth" in message:
            raise XmlRefused("too_deep", "nested deeper than 256 levels", exc.lineno, "lồng nhau quá 256 cấp") from exc
        raise XmlRefused("not_well_formed", message, exc.lineno, f"lỗi cú pháp XML: {message}") from exc
    if _depth(root) > MAX_DEPTH:
        raise XmlRefused("too_deep", "nested deeper than 256 levels", None, "lồng nhau quá 256 cấp")
    return root


def text_of(parent: etree._Element, tag: str) -> str:
    """Text of a child, comments ignored (a comment cannot cut a signed value short)."""
    node = parent.find(tag)
    return "".join(node.itertext()).strip() if node is not None else ""


@dataclass(frozen=True)
class FileHoSo:
    """One FILEHOSO: its LOAIHOSO and decoded inner document (or why it could not be decoded)."""
    loai: str
    xpath: str
    line: int | None
    raw: bytes | None = None
    root: etree._Element | None = None
    error: str = ""
    error_vi: str = ""


@dataclass(frozen=True)
class HoSo:
    position: int
    xpath: str
    line: int | None
    files: tuple[FileHoSo, ...] = field(default_factory=tuple)
    ma_lk: str = ""          # XML1's MA_LK ("" when XML1 is missing or unreadable)
    # derived views of this HOSO built once per evaluation (the rules' rows, reused by the extraction)
    cache: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    def file(self, loai: str) -> FileHoSo | None:
        return next((f for f in self.files if f.loai == loai), None)


@dataclass(frozen=True)
class Envelope:
    """A parsed GIAMDINHHS envelope."""
    root: etree._Element
    facility_code: str
    declared_count: str
    hosos: tuple[HoSo, ...]


def envelope_facility(root: etree._Element) -> str:
    return text_of(root.find("THONGTINDONVI") if root.find("THONGTINDONVI") is not None else root, "MACSKCB")


def read_envelope(root: etree._Element, limit: int) -> Envelope:
    """Split a GIAMDINHHS tree into HOSO / FILEHOSO and decode each NOIDUNGFILE."""
    info = root.find("THONGTINHOSO")
    hosos = []
    nodes = info.findall("DANHSACHHOSO/HOSO") if info is not None else []
    for i, node in enumerate(nodes, start=1):
        hxpath = f"/GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO/HOSO[{i}]"
        files = []
        for j, fnode in enumerate(node.findall("FILEHOSO"), start=1):
            fxpath = f"{hxpath}/FILEHOSO[{j}]"
            loai = text_of(fnode, "LOAIHOSO").upper()
            content = fnode.find("NOIDUNGFILE")
            try:
                raw = decode_base64("".join(content.itertext()) if content is not None else "", limit)
                files.append(FileHoSo(loai, fxpath, fnode.sourceline, raw, parse_document(raw)))
            except XmlRefused as exc:
                files.append(FileHoSo(loai, fxpath, fnode.sourceline, None, None,
                                      f"{exc.reason}: {exc.detail}", exc.detail_vi))
        xml1 = next((f for f in files if f.loai == "XML1" and f.root is not None), None)
        hosos.append(HoSo(i, hxpath, node.sourceline, tuple(files), text_of(xml1.root, "MA_LK") if xml1 else ""))
    return Envelope(root, envelope_facility(root), text_of(info, "SOLUONGHOSO") if info is not None else "",
                    tuple(hosos))


def table_rows(root: etree._Element) -> list[etree._Element]:
    """Rows of a check-in (XML0) or medical-assessment (XML12) document."""
    path = ROW_XPATH.get(etree.QName(root).localname)
    return root.findall(path) if path else []
