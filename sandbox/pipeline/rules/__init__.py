"""Business rules (giám định): small registered functions with stable ids, collected, never short-circuiting.

A rule declares its id (``XML1-DATE-01``), severity, Vietnamese and English message, the decision
and clause it comes from, the fields it reads and the profiles it applies to.  It yields
``Hit``s; the engine turns each into a Finding whose code is the rule id.  Rules can be switched
off per profile with ``SANDBOX_RULES_DISABLED`` (comma-separated ids, optionally ``PROFILE:ID``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..findings import ERROR, WARNING, Finding
from ..parsing import Envelope, HoSo
from ..stages import StageContext, hoso_check
from .view import EpisodeView

ALL_PROFILES = ("QD130", "QD4750", "QD3176")


@dataclass(frozen=True)
class Hit:
    """One place a rule found a problem; details complete the rule's message."""
    table: str
    xpath: str = ""
    value: str = ""
    detail_vi: str = ""
    detail_en: str = ""
    line: int | None = None


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

    def applies(self, ctx: StageContext) -> bool:
        disabled = ctx.rules_disabled
        return (ctx.profile in self.profiles and self.id not in disabled
                and f"{ctx.profile}:{self.id}" not in disabled)


RULES: dict[str, Rule] = {}


def rule(id: str, vi: str, en: str, *, source: str, fields: tuple[str, ...], severity: str = ERROR,
         profiles: tuple[str, ...] = ALL_PROFILES):
    def register(fn):
        if id in RULES:
            raise ValueError(f"duplicate rule id {id}")
        RULES[id] = Rule(id, severity, vi, en, source, fields, profiles, fn)
        return fn
    return register


def run_rules(view: EpisodeView, ctx: StageContext) -> list[Finding]:
    out: list[Finding] = []
    for r in RULES.values():
        if not r.applies(ctx):
            continue
        for hit in r.fn(view, ctx) or ():
            vi = f"{r.vi}: {hit.detail_vi}" if hit.detail_vi else r.vi
            en = f"{r.en}: {hit.detail_en}" if hit.detail_en else r.en
            out.append(Finding(r.id, r.severity, vi, en, hit.table, hit.xpath, hit.line, view.ma_lk,
                               hit.value[:200]))
    return out


@hoso_check("hoso-business-rules", order=50, needs_clean=True)
def business_rules(hoso: HoSo, envelope: Envelope, ctx: StageContext) -> list[Finding]:
    if not any(r.applies(ctx) for r in RULES.values()):
        return []
    view = EpisodeView.from_hoso(hoso, envelope.facility_code)
    if view.xml1 is None:
        return []  # ENV-002 already explains
    return run_rules(view, ctx)


def rule_table_markdown() -> str:
    lines = ["| id | mức độ | quy tắc (Tiếng Việt) | rule (English) | nguồn / source | trường / fields | profiles |",
             "|---|---|---|---|---|---|---|"]
    for r in sorted(RULES.values(), key=lambda r: r.id):
        sev = "LOI" if r.severity == ERROR else "CANH_BAO"
        lines.append(f"| `{r.id}` | {sev} | {r.vi} | {r.en} | {r.source} | {', '.join(r.fields)} | "
                     f"{', '.join(r.profiles)} |")
    return "\n".join(lines)


def _load() -> None:
    from . import amounts, dates, presence, identity, codes, registry  # noqa: F401


_load()

__all__ = ["ERROR", "WARNING", "Hit", "RULES", "Rule", "rule", "run_rules", "rule_table_markdown"]
