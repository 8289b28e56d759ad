"""The stage registry: checks plug in here and the runner calls them in order.

A check is a pure function returning findings.  Envelope checks see the whole GIAMDINHHS,
record checks see one HOSO (or one XML0/XML12 row document), and run after the envelope
checks.  Later issues register the signature, XSD and business-rule checks the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from .findings import Finding


@dataclass(frozen=True)
class CertificateView:
    """What a check may know of a registered certificate (no database access in stages)."""
    fingerprint: str
    not_before: datetime
    not_after: datetime
    revoked_at: datetime | None
    pem: str


@dataclass(frozen=True)
class StageContext:
    kind: str                    # HOSO | CHECKIN | GDYK
    profile: str                 # QD130 | QD4750 | QD3176
    facility_code: str
    now: datetime
    certificates: tuple[CertificateView, ...] = field(default_factory=tuple)
    xsd_order: str = "any"
    xsd_all_tags: bool = False
    signature_policy: str = "required"
    trusted_ca_pem: bytes = b""
    rules_disabled: frozenset[str] = frozenset()
    facilities: dict[str, str] = field(default_factory=dict)     # code -> status (registry snapshot)
    staff: frozenset[str] = frozenset()                          # practitioner codes of the facility
    departments: frozenset[str] = frozenset()                    # department codes of the facility
    invalid_fields: frozenset[str] = frozenset()                 # fields of this HOSO that failed the XSD
    rules_mode: str = "documents"                                # documents | strict (SANDBOX_RULES)
    as_of: date | None = None    # rehearsal: judge by the documents in force on this date, drafts included


@dataclass(frozen=True)
class Check:
    name: str
    order: int
    fn: Callable[..., list[Finding]]
    needs_clean: bool = False   # business rules: run on structurally sound HOSO, on fields that passed the XSD


ENVELOPE_CHECKS: list[Check] = []
HOSO_CHECKS: list[Check] = []
DOCUMENT_CHECKS: list[Check] = []   # XML0 check-in and XML12 documents


def _register(registry: list[Check], name: str, order: int, needs_clean: bool = False):
    def decorate(fn):
        registry.append(Check(name, order, fn, needs_clean))
        registry.sort(key=lambda c: c.order)
        return fn
    return decorate


def envelope_check(name: str, order: int = 100):
    """fn(envelope, ctx) -> list[Finding]"""
    return _register(ENVELOPE_CHECKS, name, order)


def hoso_check(name: str, order: int = 100, needs_clean: bool = False):
    """fn(hoso, envelope, ctx) -> list[Finding]; ``needs_clean`` checks are skipped when the HOSO is not
    structurally sound, and see in ``ctx.invalid_fields`` the fields that failed the XSD."""
    return _register(HOSO_CHECKS, name, order, needs_clean)


def document_check(name: str, order: int = 100):
    """fn(root, ctx) -> list[Finding] for XML0 / XML12 documents"""
    return _register(DOCUMENT_CHECKS, name, order)
