"""Benefit-level rules that follow a dated document: MUC_HUONG at half the card's level for the object
codes QĐ 3276/QĐ-BYT puts at 50 % from 01/07/2026 (1.13, 1.14, 1.18).

The 50 % is the document's; how MUC_HUONG carries it (half of the card's level, as off-route stays do:
80 % × 50 % = 40) is our reading, UNCONFIRMED — so the rules warn, and err only in strict mode."""

from __future__ import annotations

from decimal import Decimal

from ...reference.codelists import HALF_BENEFIT_CODES
from . import Hit, rule
from .view import EpisodeView

CARD_LEVEL = {"1": 100, "2": 100, "3": 95, "4": 80, "5": 100}   # the card's 3rd character (QĐ 1351/QĐ-BHXH)


def _half_level(v: EpisodeView) -> Decimal | None:
    """Half the card's level when the episode's object code is one of the 50 % codes, else None."""
    x = v.xml1
    if x.get("MA_DOITUONG_KCB").strip() not in HALF_BENEFIT_CODES:
        return None
    card = x.get("MA_THE_BHYT").split(";")[-1].strip()
    level = CARD_LEVEL.get(card[2:3]) if len(card) == 15 else None
    return Decimal(level) / 2 if level else None


def _lines(v: EpisodeView, table: str):
    limit = _half_level(v)
    if limit is None:
        return
    for r in v.rows(table):
        value = r.num("MUC_HUONG")
        if value is not None and value > limit:
            yield Hit(table, r.path("MUC_HUONG"), r.get("MUC_HUONG"),
                      f"MA_DOITUONG_KCB {v.xml1.get('MA_DOITUONG_KCB')} hưởng 50 % từ 01/07/2026: MUC_HUONG tối đa {limit:g}",
                      f"MA_DOITUONG_KCB {v.xml1.get('MA_DOITUONG_KCB')} is paid at 50 % from 01/07/2026: MUC_HUONG at most {limit:g}",
                      r.line)


for _table in ("XML2", "XML3"):
    def _check(v, ctx, table=_table):
        yield from _lines(v, table)
    rule(f"{_table}-BEN-01", "MUC_HUONG quá mức hưởng 50 % của đối tượng 1.13/1.14/1.18",
         "MUC_HUONG above the 50 % benefit of object codes 1.13/1.14/1.18",
         source="QĐ 3276/QĐ-BYT (50 % for 1.13, 1.14, 1.18 from 01/07/2026); MUC_HUONG = half the card's level: "
                "our reading (UNCONFIRMED)", fields=("MUC_HUONG", "MA_DOITUONG_KCB", "MA_THE_BHYT"),
         confidence="unconfirmed", document="QD3276-50PCT")(_check)
