"""Schema stage: validate the envelope and every table document against the profile's XSD.

lxml (libxml2) validates; its English messages are turned into findings whose Vietnamese text
names the field and the rule, using the field table (type, size, format, required).
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from ..reference.xml_tables import SHAPES
from ..result_codes import ResultCode as RC
from ..reference.profiles import Field, field_map, tables
from ..schemas.xsd import envelope_xsd, table_xsd
from .findings import Finding, finding
from .parsing import Envelope, HoSo
from .stages import StageContext, document_check, envelope_check, hoso_check

MAX_FINDINGS_PER_DOCUMENT = 100
_ENTRY = re.compile(r"^Element '(?P<el>[^']+)'(?:, attribute '[^']+')?: (?P<msg>.*)$", re.S)
_COMPANION = "is not a valid value of the"
ROOT_TABLE = {shape.root: table for table, shape in SHAPES.items()}


@lru_cache(maxsize=None)
def table_schema(table: str, profile: str, order: str, all_tags: bool, slot: bool) -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(
        table_xsd(table, profile, order=order, all_tags=all_tags, with_signature_slot=slot).encode()))


@lru_cache(maxsize=None)
def envelope_schema(profile: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(envelope_xsd(profile).encode()))


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _value(root: etree._Element, path: str | None) -> str:
    if not path:
        return ""
    try:
        nodes = root.getroottree().xpath(path)
    except etree.XPathError:
        return ""
    return "".join(nodes[0].itertext()).strip() if nodes and isinstance(nodes[0], etree._Element) else ""


def _field_hint(f: Field | None, name: str) -> tuple[str, str]:
    if f is None:
        return name, name
    size = f"tối đa {f.max} ký tự" if f.max else "không giới hạn độ dài"
    size_en = f"max {f.max}" if f.max else "unbounded"
    return (f"{name} ({f.type}, {size}; {f.format_vi})", f"{name} ({f.type}, {size_en}; {f.format})")


def _missing(parent: etree._Element, fmap: dict[str, Field]) -> list[Field]:
    present = {_local(child.tag) for child in parent}
    return [f for f in fmap.values() if f.required and f.name not in present]


def translate(log, root: etree._Element, table: str, profile: str, order: str, where: dict) -> list[Finding]:
    """Turn libxml2 schema errors into findings (one per problem, companions dropped)."""
    fmap = field_map(table, profile) if table in SHAPES else {}
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for entry in log:
        match = _ENTRY.match(entry.message or "")
        msg = match.group("msg") if match else (entry.message or "")
        name = match.group("el") if match else ""
        if _COMPANION in msg:
            continue
        path, line = entry.path, entry.line
        f = fmap.get(name)
        value = _value(root, path)
        label_vi, label_en = _field_hint(f, name)
        common = dict(xpath=path or "", line=line, value=value, **where)
        key = (path or "", "")
        if "Missing child element" in msg:
            parent = root.getroottree().xpath(path)[0] if path else root
            for m in _missing(parent, fmap) or [None]:
                miss = m.name if m else msg.split("Expected is")[-1].strip(" ().")
                if (path, miss) in seen:
                    continue
                seen.add((path, miss))
                out.append(finding(RC.XSD_MISSING, hint_vi=f"thiếu {miss} trong {name}", hint_en=f"{miss} missing in {name}",
                                   **dict(common, xpath=f"{path}/{miss}", value="")))
            continue
        if key in seen:
            continue
        seen.add(key)
        if "[facet 'maxLength']" in msg:
            out.append(finding(RC.XSD_TOO_LONG, hint_vi=f"{label_vi}: dài {len(value)} ký tự",
                               hint_en=f"{label_en}: {len(value)} characters", **common))
        elif ("[facet 'pattern']" in msg or "[facet 'minLength']" in msg) and value == "" and f and f.required:
            out.append(finding(RC.XSD_EMPTY, hint_vi=f"{label_vi} không được để trống",
                               hint_en=f"{label_en} must not be empty", **common))
        elif "[facet 'pattern']" in msg:
            hint = " (dùng dấu chấm thập phân)" if f and f.format == "decimal" and "," in value else ""
            out.append(finding(RC.XSD_FORMAT, hint_vi=f"{label_vi}{hint}", hint_en=label_en, **common))
        elif "[facet 'enumeration']" in msg and name == "LOAIHOSO":
            out.append(finding(RC.XSD_LOAI, hint_vi=f"{value} không có trong {profile}",
                               hint_en=f"{value} is not part of {profile}", **common))
        elif "This element is not expected" in msg:
            if name in fmap:
                parent_path = path.rsplit("/", 1)[0] if path else ""
                code = RC.XSD_ORDER if order == "strict" and "Expected is" in msg else RC.XSD_REPEATED
                vi = f"{name} sai vị trí; thứ tự theo bảng {table}" if code == RC.XSD_ORDER else f"{name} chỉ được xuất hiện một lần"
                out.append(finding(code, hint_vi=vi, hint_en=f"{name} in {parent_path}", **common))
            else:
                out.append(finding(RC.XSD_UNKNOWN, hint_vi=f"{name} không thuộc {table} ({profile})",
                                   hint_en=f"{name} is not in {table} ({profile})", **common))
        elif "No matching global declaration" in msg:
            out.append(finding(RC.XSD_ROOT, hint_vi=f"{table} phải có gốc <{SHAPES[table].root}>, nhận <{name}>",
                               hint_en=f"{table} needs root <{SHAPES[table].root}>, got <{name}>", **common))
        else:
            out.append(finding(RC.XSD_OTHER, hint_vi=f"{name}: {msg}", hint_en=f"{name}: {msg}", **common))
        if len(out) >= MAX_FINDINGS_PER_DOCUMENT:
            break
    return out


def validate(root: etree._Element, table: str, ctx: StageContext, where: dict, slot: bool = False) -> list[Finding]:
    schema = table_schema(table, ctx.profile, ctx.xsd_order, ctx.xsd_all_tags, slot)
    if schema.validate(root):
        return []
    return translate(schema.error_log, root, table, ctx.profile, ctx.xsd_order, where)


@envelope_check("envelope-xsd", order=20)
def envelope_xsd_check(envelope: Envelope, ctx: StageContext) -> list[Finding]:
    schema = envelope_schema(ctx.profile)
    if schema.validate(envelope.root):
        return []
    return translate(schema.error_log, envelope.root, "GIAMDINHHS", ctx.profile, "strict", {"file_type": ""})


@hoso_check("hoso-table-xsd", order=30)
def table_xsd_check(hoso: HoSo, envelope: Envelope, ctx: StageContext) -> list[Finding]:
    known = set(tables(ctx.profile))
    out: list[Finding] = []
    for f in hoso.files:
        if f.root is None or f.loai not in known or f.loai in ("XML0", "XML12"):
            continue  # undecodable (ENV-003) or unknown LOAIHOSO (XSD-009 on the envelope)
        out.extend(validate(f.root, f.loai, ctx, {"file_type": f.loai, "ma_lk": hoso.ma_lk}))
    return out


@document_check("document-xsd", order=20)
def document_xsd_check(root: etree._Element, ctx: StageContext) -> list[Finding]:
    table = ROOT_TABLE.get(_local(root.tag))
    if table not in ("XML0", "XML12"):
        return []
    found = validate(root, table, ctx, {"file_type": table}, slot=True)
    rows = root.findall(f"{SHAPES[table].list}/{SHAPES[table].row}")
    by_path = {f"/{SHAPES[table].root}/{SHAPES[table].list}/{SHAPES[table].row}" + (f"[{i}]" if len(rows) > 1 else ""): r
               for i, r in enumerate(rows, start=1)}
    out = []
    for item in found:  # attach each finding to its row's MA_LK so dsHoSo shows it
        row = next((r for p, r in by_path.items() if item.xpath.startswith(p + "/") or item.xpath == p), None)
        ma_lk = "".join(row.find("MA_LK").itertext()).strip() if row is not None and row.find("MA_LK") is not None else ""
        out.append(item if not ma_lk else Finding(**{**item.to_json(), "ma_lk": ma_lk}))
    return out
