"""The facility registry seeds: the 79 Ninh Thuận facilities of the 2024 plan's annex 4 (Phụ lục 4) and an
illustrative set of former Kon Tum facilities, each with its district and commune before 01/07/2025 and
its commune after (Ninh Thuận is part of Khánh Hòa, Kon Tum of Quảng Ngãi since then; the facilities keep
their codes, NĐ 188/2025 Đ69 k8 d)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources

from . import units

FACILITY_CODE_RE = re.compile(r"^\d{5}$")
SOURCE = "Kế hoạch UBND tỉnh Ninh Thuận 11/2024, Phụ lục 4 (79 cơ sở KCB BHYT)"
# The facility → commune columns are ours: the commune named in the facility's name, else the seat of its
# district (central facilities of the province in the city's central ward): UNCONFIRMED for those
# (nguon_xa = huyen_ly).  The 2025 commune is the one the old commune mainly went into.
COMMUNE_SOURCE = ("Danh mục đơn vị hành chính (TCTK) 2024 và 2025; gán cơ sở theo tên xã hoặc huyện lỵ "
                  "(UNCONFIRMED với cơ sở không ghi tên xã)")
KON_TUM_SOURCE = ("Minh họa: mã và tên cơ sở do sandbox đặt (không phải danh sách chính thức của Kon Tum), "
                  "xã theo danh mục TCTK")


@dataclass(frozen=True)
class FacilitySeed:
    code: str
    name: str
    district_code: str = ""        # before 01/07/2025
    former_commune_code: str = ""  # before 01/07/2025
    commune_code: str = ""         # from 01/07/2025
    illustrative: bool = False

    @property
    def province_code(self) -> str:
        """The province the facility belongs to today (58xxx → 56)."""
        return current_province(self.code)


def current_province(facility_code: str) -> str:
    """The province of today's map for a facility code (its two first digits, moved on by the 2025 reform)."""
    return units.province_after(facility_code[:2]) or facility_code[:2]


def is_facility_code(code: str) -> bool:
    """QĐ 384/QĐ-BYT: five digits, the first two the province."""
    return bool(FACILITY_CODE_RE.match(code or ""))


def _read(name: str, illustrative: bool) -> list[FacilitySeed]:
    with (resources.files("sandbox.reference") / "data" / name).open(encoding="utf-8") as fh:
        return [FacilitySeed(r["ma_cskcb"], r["ten_co_so"], r["ma_huyen"], r["ma_xa_cu"], r["ma_xa"], illustrative)
                for r in csv.DictReader(fh)]


def ninh_thuan_facilities() -> list[FacilitySeed]:
    return _read("facilities_ninh_thuan_2024.csv", False)


def kon_tum_facilities() -> list[FacilitySeed]:
    return _read("facilities_kon_tum_illustrative.csv", True)


def seeds() -> list[FacilitySeed]:
    return ninh_thuan_facilities() + kon_tum_facilities()


@dataclass(frozen=True)
class District:
    province_code: str
    code: str
    name: str
    communes: tuple[str, ...]      # names without 'Xã'/'Phường'/'Thị trấn'


def districts(province_code: str | None = None) -> dict[str, District]:
    """The districts of the 2024 units (and their communes), keyed by district code; of one old province
    or of every old province a province of today took in (56 → 56 and 58)."""
    olds = set(units.former_provinces(province_code)) | {province_code} if province_code else None
    found: dict[str, tuple[str, str, list[str]]] = {}
    for c in units.communes_2024().values():
        if olds is None or c.province_code in olds:
            entry = found.setdefault(c.district_code, (c.province_code, c.district_name, []))
            entry[2].append(plain_commune(c.name))
    return {code: District(p, code, name, tuple(communes)) for code, (p, name, communes) in sorted(found.items())}


def plain_commune(name: str) -> str:
    """'Phường Kinh Dinh' → 'Kinh Dinh' (the demo and campaign CSVs name communes this way)."""
    for prefix in ("Thị trấn ", "Phường ", "Xã ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name
