"""The facility registry seed: the 79 Ninh Thuận facilities of the 2024 plan's annex 4 (Phụ lục 4),
each with its district (the 2024 administrative units the plan reports by)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources

FACILITY_CODE_RE = re.compile(r"^\d{5}$")
SOURCE = "Kế hoạch UBND tỉnh Ninh Thuận 11/2024, Phụ lục 4 (79 cơ sở KCB BHYT)"
# District codes: the General Statistics Office list of 2024 (before the 2025 reorganisation abolished
# districts).  The facility → district column is ours, read from the commune or district in each name
# (central facilities of the province are in the city): UNCONFIRMED where a name says neither.
DISTRICT_SOURCE = "Danh mục đơn vị hành chính (TCTK) 2024; gán cơ sở theo tên xã/huyện (UNCONFIRMED với cơ sở tuyến tỉnh)"


@dataclass(frozen=True)
class FacilitySeed:
    code: str
    name: str
    district_code: str = ""

    @property
    def province_code(self) -> str:
        return self.code[:2]


def is_facility_code(code: str) -> bool:
    """QĐ 384/QĐ-BYT: five digits, the first two the province."""
    return bool(FACILITY_CODE_RE.match(code or ""))


def ninh_thuan_facilities() -> list[FacilitySeed]:
    data = resources.files("sandbox.reference") / "data" / "facilities_ninh_thuan_2024.csv"
    with data.open(encoding="utf-8") as fh:
        return [FacilitySeed(row["ma_cskcb"], row["ten_co_so"], row["ma_huyen"]) for row in csv.DictReader(fh)]


@dataclass(frozen=True)
class District:
    province_code: str
    code: str
    name: str
    communes: tuple[str, ...]


def districts() -> dict[str, District]:
    """The districts (and their communes/wards) the province reports by, keyed by district code."""
    data = resources.files("sandbox.reference") / "data" / "districts_ninh_thuan_2024.csv"
    with data.open(encoding="utf-8") as fh:
        return {row["ma_huyen"]: District(row["ma_tinh"], row["ma_huyen"], row["ten_huyen"],
                                          tuple(row["xa_phuong"].split(";")))
                for row in csv.DictReader(fh)}
