"""The check DSL: suites › groups › checks with stable ids, requirements, outcomes and roll-up.

Modelled on ONC Inferno (suite › group › test, requirement links, attestations) and schemathesis'
registered checks.  A check is a function of a :class:`CheckContext`-like object that returns
an :class:`Outcome` (or raises :class:`Fail` / :class:`Skip`); an exception of any other kind is
the outcome ``error``.  Manual attestations are checks too (``attestation=True``): they pass
when a person attested the condition, naming who, when and what.

A suite has a version and a content hash over its ids, titles, requirements and the source of
every check function, so a report or certificate names exactly what was run.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from dataclasses import dataclass, field
from typing import Callable

PASS, FAIL, SKIP, OMIT, ERROR = "pass", "fail", "skip", "omit", "error"
RANK = {ERROR: 4, FAIL: 3, SKIP: 2, PASS: 1, OMIT: 0}
OUTCOME_VI = {PASS: "Đạt", FAIL: "Không đạt", SKIP: "Chưa thực hiện", OMIT: "Không áp dụng", ERROR: "Lỗi kiểm tra"}


class Fail(Exception):
    """The check failed; the message (Vietnamese, English) says why."""

    def __init__(self, vi: str, en: str = "", evidence: list | None = None):
        super().__init__(en or vi)
        self.vi, self.en, self.evidence = vi, en or vi, evidence or []


class Skip(Fail):
    """Not yet decidable (the HIS has not done the thing yet)."""


@dataclass(frozen=True)
class Outcome:
    result: str
    message_vi: str = ""
    message_en: str = ""
    evidence: tuple = ()       # exchanges / transactions that decided it (ids, masked)


@dataclass(frozen=True)
class Check:
    id: str
    title_vi: str
    title_en: str
    requirements: tuple[str, ...]
    fn: Callable = field(repr=False, compare=False)
    required: bool = True
    attestation: bool = False
    defect_tags: tuple[str, ...] = ()   # names used by the self-test's defective HIS variants

    def run(self, ctx) -> Outcome:
        try:
            out = self.fn(ctx)
        except Skip as exc:
            return Outcome(SKIP, exc.vi, exc.en, tuple(exc.evidence))
        except Fail as exc:
            return Outcome(FAIL, exc.vi, exc.en, tuple(exc.evidence))
        except Exception as exc:  # noqa: BLE001 - a broken check is an outcome, never a crash
            return Outcome(ERROR, f"kiểm tra gặp lỗi: {type(exc).__name__}", f"check raised {type(exc).__name__}: {exc}")
        return out if isinstance(out, Outcome) else Outcome(PASS)


@dataclass
class Group:
    id: str
    title_vi: str
    title_en: str
    checks: list[Check] = field(default_factory=list)

    def check(self, id: str, *, title: str, title_en: str, requirements: tuple[str, ...], required: bool = True,
              attestation: bool = False):
        def register(fn):
            self.checks.append(Check(id, title, title_en, tuple(requirements), fn, required, attestation))
            return fn
        return register


@dataclass
class Suite:
    id: str
    version: str
    title_vi: str
    title_en: str
    groups: list[Group] = field(default_factory=list)

    def group(self, id: str, *, title: str, title_en: str) -> Group:
        g = Group(id, title, title_en)
        self.groups.append(g)
        return g

    @property
    def checks(self) -> list[Check]:
        return [c for g in self.groups for c in g.checks]

    def check(self, check_id: str) -> Check:
        return next(c for c in self.checks if c.id == check_id)

    @property
    def content_hash(self) -> str:
        """SHA-256 over what the suite checks and how (ids, titles, requirements, the check code)."""
        parts = [self.id, self.version]
        for g in self.groups:
            parts.append(g.id)
            for c in g.checks:
                parts += [c.id, c.title_vi, c.title_en, ",".join(c.requirements), str(c.required), str(c.attestation),
                          inspect.getsource(c.fn)]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def roll_up(results: list[str]) -> str:
    """A group's outcome from its required checks: error > fail > skip > pass (omit does not count)."""
    counted = [r for r in results if r != OMIT]
    return max(counted, key=RANK.__getitem__) if counted else OMIT
