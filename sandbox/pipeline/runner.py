"""Run the registered checks over a stored payload and return the verdicts, without touching storage."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from dataclasses import dataclass, field

from lxml import etree

from ..result_codes import ResultCode as RC
from . import rules, schema, structure  # noqa: F401  (register their checks)
from .content import hoso_digest
from .signature import verify
from .rules.view import EpisodeView, file_rows
from ..health_book.extract import extract
from .findings import WARNING, Finding, finding
from .parsing import (ROOT_HOSO, XmlRefused, as_declared_utf8, parse_document, read_envelope, table_rows, text_of,
                      utf16_label_on_utf8)
from .stages import DOCUMENT_CHECKS, ENVELOPE_CHECKS, HOSO_CHECKS, Check, StageContext

log = logging.getLogger(__name__)
# Findings after which a HOSO's tables cannot be read as one episode: business rules would only
# add noise.  Field-level XSD findings (XSD-001 … XSD-007) only hold back the rules on that field.
BLOCKING = frozenset({"ENV-002", "ENV-003", "ENV-004", "STR-002", "STR-003", "XSD-000", "XSD-008", "XSD-009",
                      "CHK-001"})
FIELD_LEVEL = frozenset({"XSD-001", "XSD-002", "XSD-003", "XSD-004", "XSD-005", "XSD-006", "XSD-007"})


@dataclass(frozen=True)
class RecordOutcome:
    """The verdict on one HOSO (or one XML0/XML12 row)."""
    position: int
    ma_lk: str
    findings: tuple[Finding, ...]
    content_sha256: str
    facts: dict = field(default_factory=dict)   # XML1 facts for visit history / health book
    entry: dict = field(default_factory=dict)   # the Sổ SKĐT entry (valid HOSO only)

    @property
    def valid(self) -> bool:
        return not any(f.is_error for f in self.findings)


@dataclass(frozen=True)
class Outcome:
    findings: tuple[Finding, ...] = field(default_factory=tuple)     # envelope / document level
    records: tuple[RecordOutcome, ...] = field(default_factory=tuple)

    @property
    def envelope_valid(self) -> bool:
        return not any(f.is_error for f in self.findings)


FACT_FIELDS = ("MA_THE_BHYT", "SO_CCCD", "HO_TEN", "NGAY_SINH", "NGAY_VAO", "NGAY_RA", "MA_LOAI_KCB",
               "CHAN_DOAN_RV", "MA_BENH_CHINH", "MA_LOAI_RV", "KET_QUA_DTRI", "LY_DO_VV", "MA_CSKCB",
               "MA_DOITUONG_KCB", "T_BNCCT")   # the last two: the co-payment look-up (CV 1839)


def _facts(hoso) -> dict:
    xml1 = hoso.file("XML1")
    if xml1 is None or xml1.root is None:
        return {}
    rows = file_rows(hoso, xml1)
    if not rows or rows[0].table != "XML1":   # another table's root under LOAIHOSO XML1
        return {name: text_of(xml1.root, name) for name in FACT_FIELDS}
    values = rows[0].values                  # a flat table: its one row is the root's children
    return {name: values.get(name, "") for name in FACT_FIELDS}


def evaluate(payload: bytes, ctx: StageContext, decoded_limit: int) -> Outcome:
    """Parse, verify the signature, then run every registered check on what was signed.  Never raises:
    whatever breaks becomes a finding (a deterministic failure would fail the same way on retry)."""
    try:
        outcome = _evaluate(as_declared_utf8(payload), ctx, decoded_limit)
    except Exception as exc:  # noqa: BLE001 - no library exception may end a submission as SYS-001
        log.warning("evaluation raised %s", type(exc).__name__)
        return Outcome((finding(RC.CHECK_FAILED, hint_vi=f"xử lý hồ sơ ({type(exc).__name__})",
                                hint_en=f"processing raised {type(exc).__name__}"),))
    if utf16_label_on_utf8(payload):
        label = finding(RC.ENCODING_LABEL, WARNING, xpath="/", hint_vi="khai báo encoding=\"utf-8\"",
                        hint_en='declare encoding="utf-8"')
        outcome = dataclasses.replace(outcome, findings=(label,) + outcome.findings)
    return outcome


def _evaluate(payload: bytes, ctx: StageContext, decoded_limit: int) -> Outcome:
    try:
        root = parse_document(payload)
    except XmlRefused as exc:  # stored payloads were parsed at intake; this is a safety net
        return Outcome((finding(RC.ENV_BAD_CONTENT, hint_vi=exc.detail_vi, hint_en=exc.detail, line=exc.line),))
    signature = verify(payload, root, ctx)
    if signature.signed_root is None:
        # Nothing is trusted: report the signature alone; HOSO are listed only so the portal can
        # show which episodes the refusal concerns.
        return _untrusted(root, ctx, signature.findings, decoded_limit)
    trusted = signature.signed_root  # from here on read only what was signed
    if trusted is not root:
        del root   # the tree as received is not read again: free it before the big stages
    if ctx.kind == "HOSO" and trusted.tag == ROOT_HOSO:
        envelope = read_envelope(trusted, decoded_limit)
        env_findings: list[Finding] = list(signature.findings)
        for check in ENVELOPE_CHECKS:
            env_findings.extend(_run(check, envelope, ctx))
        records = []
        envelope_errors = any(f.is_error for f in env_findings)
        for hoso in envelope.hosos:
            found: list[Finding] = []
            for check in HOSO_CHECKS:
                if check.needs_clean:
                    if any(f.is_error and f.code in BLOCKING for f in found):
                        continue  # the tables do not make one readable episode
                    found.extend(_run(check, hoso, envelope, dataclasses.replace(ctx, invalid_fields=_invalid(found))))
                else:
                    found.extend(_run(check, hoso, envelope, ctx))
            clean = not envelope_errors and not any(f.is_error for f in found)
            entry = extract(EpisodeView.of(hoso, envelope.facility_code)) if clean else {}
            records.append(RecordOutcome(hoso.position, hoso.ma_lk, tuple(found), hoso_digest((f.loai, f.raw) for f in hoso.files), _facts(hoso),
                                         entry))
        return Outcome(tuple(env_findings), tuple(records))
    doc_findings: list[Finding] = list(signature.findings)
    for check in DOCUMENT_CHECKS:
        doc_findings.extend(_run(check, trusted, ctx))
    return _document_outcome(trusted, doc_findings)


def _run(check: Check, *args) -> list[Finding]:
    """A check that raises becomes a finding naming it (the record cannot be judged), never a crash."""
    try:
        return list(check.fn(*args))
    except Exception as exc:  # noqa: BLE001 - no library exception may end a submission as SYS-001
        log.warning("check %s raised %s", check.name, type(exc).__name__)
        return [finding(RC.CHECK_FAILED, hint_vi=f"bước {check.name} ({type(exc).__name__})",
                        hint_en=f"check {check.name} raised {type(exc).__name__}")]


def _invalid(found: list[Finding]) -> frozenset[str]:
    """Names of the fields the XSD refused (the last step of each finding's XPath)."""
    return frozenset(f.xpath.rsplit("/", 1)[-1].split("[")[0] for f in found if f.code in FIELD_LEVEL and f.xpath)


def _document_outcome(root, doc_findings: list[Finding]) -> Outcome:
    records = []
    for i, row in enumerate(table_rows(root), start=1):
        ma_lk = text_of(row, "MA_LK") or text_of(row, "SO_BIEN_BAN")  # XML12 rows have no MA_LK
        own = tuple(f for f in doc_findings if f.ma_lk and f.ma_lk == ma_lk)
        digest = hashlib.sha256(etree.tostring(row, method="c14n")).hexdigest()
        records.append(RecordOutcome(i, ma_lk, own, digest))
    shared = tuple(f for f in doc_findings if not f.ma_lk)
    return Outcome(shared, tuple(records))


def _untrusted(root, ctx: StageContext, findings, decoded_limit: int) -> Outcome:
    if ctx.kind == "HOSO" and root.tag == ROOT_HOSO:
        envelope = read_envelope(root, decoded_limit)
        return Outcome(tuple(findings), tuple(RecordOutcome(h.position, h.ma_lk, (), hoso_digest((f.loai, f.raw) for f in h.files))
                                              for h in envelope.hosos))
    return _document_outcome(root, list(findings))
