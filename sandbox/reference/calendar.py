"""The regulation calendar: every document the sandbox judges by, dated (data/documents.csv).

Each row is one document (or one dated provision of it): number, issuer, when it was signed, in force
from/until, whether it is in force or a draft, how sure we are of it (official / vendor / unconfirmed),
where we read it, and what the sandbox does because of it.  Code lists (codelists.py), rules
(pipeline/rules) and the wire contract name the document they follow by its ``id``, and take their dates
from here: adding next month's decision is a row in the CSV, the code or rule that names it, and tests.

The date judged: an episode's end (NGAY_RA, else NGAY_VAO) for what it contains, the request time for a
look-up.  A vendor may rehearse a later date (``skdt-sandbox rules --as-of``, or the account's
``rehearse_as_of``): documents are then taken as in force on that date, drafts included.  A date past
``KNOWN_UNTIL`` is refused: the calendar cannot say what will be in force then.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

KNOWN_UNTIL = date(2027, 12, 31)   # the calendar knows the documents announced up to here
CONFIDENCE_VI = {"official": "văn bản chính thức", "vendor": "theo thực tế nhà cung cấp",
                 "unconfirmed": "chưa xác nhận (UNCONFIRMED)"}
STATUS_VI = {"in_force": "có hiệu lực", "draft": "dự thảo (chỉ khi diễn tập)"}


class UnknownDate(ValueError):
    """A date the calendar cannot judge (after KNOWN_UNTIL)."""


@dataclass(frozen=True)
class Document:
    id: str
    number: str
    title: str
    issuer: str
    signed: date | None
    in_force_from: date
    in_force_until: date | None
    status: str              # in_force | draft
    confidence: str          # official | vendor | unconfirmed
    source: str
    effect_vi: str
    effect_en: str

    def in_force_on(self, day: date, rehearsing: bool = False) -> bool:
        if self.status == "draft" and not rehearsing:
            return False
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)

    @property
    def cite(self) -> str:
        """How a finding names it: number, and UNCONFIRMED where it is (so lists built on it warn)."""
        return self.number + (" (UNCONFIRMED)" if self.confidence == "unconfirmed" else "")

    def to_json(self) -> dict:
        return {"id": self.id, "soHieu": self.number, "trichYeu": self.title, "coQuanBanHanh": self.issuer,
                "ngayKy": self.signed.isoformat() if self.signed else None,
                "hieuLucTu": self.in_force_from.isoformat(),
                "hieuLucDen": self.in_force_until.isoformat() if self.in_force_until else None,
                "trangThai": self.status, "doTinCay": self.confidence, "nguon": self.source,
                "sandboxLam": self.effect_vi, "effect": self.effect_en}


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@lru_cache(maxsize=1)
def documents() -> dict[str, Document]:
    data = resources.files("sandbox.reference") / "data" / "documents.csv"
    with data.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for r in rows:
        doc = Document(r["id"], r["number"], r["title"], r["issuer"], _day(r["signed"]), date.fromisoformat(r["in_force_from"]),
                       _day(r["in_force_until"]), r["status"], r["confidence"], r["source"], r["effect_vi"], r["effect_en"])
        if doc.id in out or doc.status not in STATUS_VI or doc.confidence not in CONFIDENCE_VI:
            raise ValueError(f"documents.csv: bad or duplicate row {doc.id}")
        out[doc.id] = doc
    return out


def document(doc_id: str) -> Document:
    try:
        return documents()[doc_id]
    except KeyError:
        raise KeyError(f"no document {doc_id!r} in the regulation calendar (data/documents.csv)") from None


def check_known(day: date) -> date:
    if day > KNOWN_UNTIL:
        raise UnknownDate(f"lịch văn bản chỉ biết đến {KNOWN_UNTIL:%d/%m/%Y}; không thể xét ngày {day:%d/%m/%Y}",
                          f"the calendar knows documents up to {KNOWN_UNTIL}; {day} cannot be judged")
    return day


def in_force(day: date, rehearsing: bool = False) -> list[Document]:
    """The documents in force on ``day`` (drafts too when rehearsing), oldest first."""
    check_known(day)
    return sorted((d for d in documents().values() if d.in_force_on(day, rehearsing)),
                  key=lambda d: (d.in_force_from, d.id))


def is_in_force(doc_id: str, day: date, rehearsing: bool = False) -> bool:
    return document(doc_id).in_force_on(day, rehearsing)
