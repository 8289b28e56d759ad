"""Business rules (giám định): small registered functions with stable ids, collected, never short-circuiting.

A rule declares its id (``XML1-DATE-01``), severity, Vietnamese and English message, the decision
and clause it comes from, how sure that reading is (``confidence``), the fields it reads and the
profiles it applies to.  It yields ``Hit``s; the engine turns each into a Finding whose code is
the rule id.  Rules can be switched off per profile with ``SANDBOX_RULES_DISABLED``
(comma-separated ids, optionally ``PROFILE:ID``).

Judged as the documents do: a rule whose source is an official text stated plainly
(``confidence="official"``) reports its severity; a rule from vendor practice or from a reading
marked UNCONFIRMED reports CANH_BAO, and its own severity only in strict mode
(``SANDBOX_RULES=strict``).  A hit may lower itself to CANH_BAO where the rule cannot be sure of
that one value (a code that is in no list the sandbox holds, but could be in the official one).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable

from ...reference import calendar
from ...result_codes import ResultCode as RC
from ..findings import ERROR, WARNING, Finding, finding
from ..parsing import Envelope, HoSo
from ..stages import StageContext, hoso_check
from .view import EpisodeView, judged_day

log = logging.getLogger(__name__)
ALL_PROFILES = ("QD130", "QD4750", "QD3176")
CONFIDENCE = {"official": "văn bản chính thức nêu rõ", "vendor": "thực tế của nhà cung cấp phần mềm",
              "unconfirmed": "cách đọc của sandbox, chưa xác nhận (UNCONFIRMED)"}


@dataclass(frozen=True)
class Hit:
    """One place a rule found a problem; details complete the rule's message."""
    table: str
    xpath: str = ""
    value: str = ""
    detail_vi: str = ""
    detail_en: str = ""
    line: int | None = None
    uncertain: bool = False      # this value might be valid in a list the sandbox does not hold: CANH_BAO
    basis: str = ""              # the document this hit was judged by, when the rule's own is not enough


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    vi: str
    en: str
    source: str
    fields: tuple[str, ...]
    profiles: tuple[str, ...]
    fn: Callable[[EpisodeView, StageContext], Iterable[Hit]] = field(repr=False)
    confidence: str = "official"
    document: str = ""     # the calendar's id of the document it follows: the rule applies while it is in force

    def in_force(self, judged: date | None, rehearsing: bool) -> bool:
        return not self.document or (judged is not None and calendar.is_in_force(self.document, judged, rehearsing))

    def severity_in(self, mode: str) -> str:
        """The severity findings carry in a rules mode ("documents", the default, or "strict")."""
        return self.severity if self.confidence == "official" or mode == "strict" else WARNING

    def applies(self, ctx: StageContext) -> bool:
        return self.applies_to(ctx.profile, ctx.rules_disabled)

    def applies_to(self, profile: str, disabled: frozenset[str]) -> bool:
        return profile in self.profiles and self.id not in disabled and f"{profile}:{self.id}" not in disabled


RULES: dict[str, Rule] = {}


def rule(id: str, vi: str, en: str, *, source: str, fields: tuple[str, ...], severity: str = ERROR,
         profiles: tuple[str, ...] = ALL_PROFILES, confidence: str = "official", document: str = ""):
    """Register a rule; ``document`` (a regulation-calendar id) limits it to the episodes judged on a date
    that document is in force, and its findings name it."""
    def register(fn):
        if id in RULES:
            raise ValueError(f"duplicate rule id {id}")
        if confidence not in CONFIDENCE:
            raise ValueError(f"{id}: confidence must be one of {', '.join(CONFIDENCE)}")
        if document:
            calendar.document(document)   # an unknown id fails at import, not on the first episode
        RULES[id] = Rule(id, severity, vi, en, source, fields, profiles, fn, confidence, document)
        return fn
    return register


_APPLICABLE: dict = {}


def applicable(ctx: StageContext) -> tuple[Rule, ...]:
    """The rules that apply to the context's profile with its rules disabled, worked out once per
    registry state (a rule registered or replaced later is seen: the registry is compared by identity)."""
    registered = tuple(RULES.values())
    key = (ctx.profile, frozenset(ctx.rules_disabled))
    known = _APPLICABLE.get(key)
    if known is None or known[0] != registered:
        if len(_APPLICABLE) > 64:
            _APPLICABLE.clear()
        known = _APPLICABLE[key] = (registered, tuple(r for r in registered if r.applies_to(*key)))
    return known[1]


def run_rules(view: EpisodeView, ctx: StageContext) -> list[Finding]:
    """Every rule that applies, except those reading a field the XSD refused (its value is unreliable)."""
    out: list[Finding] = []
    invalid = ctx.invalid_fields
    judged, rehearsing = judged_day(view, ctx), ctx.as_of is not None
    for r in applicable(ctx):
        if invalid and invalid.intersection(r.fields):
            continue
        if r.document and not r.in_force(judged, rehearsing):
            continue
        try:
            hits = list(r.fn(view, ctx) or ())
        except Exception as exc:  # noqa: BLE001 - a rule that breaks is skipped and says so
            log.warning("rule %s raised %s", r.id, type(exc).__name__)
            out.append(finding(RC.CHECK_FAILED, WARNING, hint_vi=f"quy tắc {r.id} ({type(exc).__name__})",
                               hint_en=f"rule {r.id} raised {type(exc).__name__}", ma_lk=view.ma_lk))
            continue
        severity = r.severity_in(ctx.rules_mode)
        for hit in hits:
            vi = f"{r.vi}: {hit.detail_vi}" if hit.detail_vi else r.vi
            en = f"{r.en}: {hit.detail_en}" if hit.detail_en else r.en
            own = WARNING if hit.uncertain and ctx.rules_mode != "strict" else severity
            out.append(Finding(r.id, own, vi, en, hit.table, hit.xpath, hit.line, view.ma_lk, hit.value[:200],
                               hit.basis or (calendar.document(r.document).cite if r.document else "")))
    return out


@hoso_check("hoso-business-rules", order=50, needs_clean=True)
def business_rules(hoso: HoSo, envelope: Envelope, ctx: StageContext) -> list[Finding]:
    if not applicable(ctx):
        return []
    view = EpisodeView.of(hoso, envelope.facility_code)
    if view.xml1 is None:
        return []  # ENV-002 already explains
    return run_rules(view, ctx)


def rule_table_markdown() -> str:
    lines = ["| id | mức độ (mặc định / strict) | độ tin cậy / confidence | quy tắc (Tiếng Việt) | rule (English) | "
             "nguồn / source | trường / fields | profiles |",
             "|---|---|---|---|---|---|---|---|"]
    for r in sorted(RULES.values(), key=lambda r: r.id):
        dated = ""
        if r.document:
            doc = calendar.document(r.document)
            dated = f" — **{doc.number}, từ {doc.in_force_from:%d/%m/%Y}**" + (" (dự thảo)" if doc.status == "draft" else "")
        lines.append(f"| `{r.id}` | {r.severity_in('documents')} / {r.severity_in('strict')} | {r.confidence} | {r.vi} | "
                     f"{r.en} | {r.source}{dated} | {', '.join(r.fields)} | {', '.join(r.profiles)} |")
    return "\n".join(lines)


def _load() -> None:
    from . import address, amounts, benefit, dates, presence, identity, codes, registry, timing  # noqa: F401


_load()

__all__ = ["ERROR", "WARNING", "Hit", "RULES", "Rule", "rule", "run_rules", "rule_table_markdown"]
