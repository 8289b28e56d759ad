"""The facility registry seed: the 79 Ninh Thuận facilities of the 2024 plan's annex 4 (Phụ lục 4)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources

FACILITY_CODE_RE = re.compile(r"^\d{5}$")
SOURCE = "Kế hoạch UBND tỉnh Ninh Thuận 11/2024, Phụ lục 4 (79 cơ sở KCB BHYT)"


@dataclass(frozen=True)
class FacilitySeed:
    code: str
    name: str

    @property
    def province_code(self) -> str:
        return self.code[:2]


def is_facility_code(code: str) -> bool:
    """QĐ 384/QĐ-BYT: five digits, the first two the province."""
    return bool(FACILITY_CODE_RE.match(code or ""))


def ninh_thuan_facilities() -> list[FacilitySeed]:
    data = resources.files("sandbox.reference") / "data" / "facilities_ninh_thuan_2024.csv"
    with data.open(encoding="utf-8") as fh:
        return [FacilitySeed(row["ma_cskcb"], row["ten_co_so"]) for row in csv.DictReader(fh)]
