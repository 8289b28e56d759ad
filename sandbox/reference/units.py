"""Administrative units on a given day: the 63 provinces with districts and communes until 30/06/2025,
the 34 provinces with communes and no district from 01/07/2025 (QĐ 19/2025/QĐ-TTg; NQ 202/2025/QH15),
and the old→new commune table between them.

The lists (data/units_*.csv) are built by scripts/build_admin_units.py from ``vietnamadminunits`` 1.0.4
(MIT, licence in data/units_LICENSE.txt; General Statistics Office codes) and checked against
``vietnam-address-converter`` 1.0.5 (Apache-2.0): 34 provinces and 3 321 communes in both, the same
names, and the same new commune for 97.8 % of the 10 035 old communes (where one old commune was split,
the sources may name different parts first).  A new province kept the code of one of its former ones.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

REFORM = date(2025, 7, 1)
SOURCE = ("QĐ 19/2025/QĐ-TTg (34 tỉnh, 3 321 xã, từ 01/07/2025); danh mục: vietnamadminunits 1.0.4 (MIT), "
          "đối chiếu vietnam-address-converter 1.0.5 (Apache-2.0)")
DATA_DATE = "2025-07-01"


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    province_code: str
    district_code: str = ""       # before 01/07/2025 only
    district_name: str = ""


def _rows(name: str) -> list[dict]:
    with (resources.files("sandbox.reference") / "data" / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def short(name: str) -> str:
    """'Tỉnh Ninh Thuận' → 'Ninh Thuận'; 'Thành phố Huế' → 'Huế'."""
    for prefix in ("Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def reformed(day: date) -> bool:
    """Whether the 2025 units are in force on ``day``."""
    return day >= REFORM


@lru_cache(maxsize=1)
def provinces_2025() -> dict[str, tuple[str, tuple[str, ...]]]:
    """code → (name, the former provinces' codes)."""
    return {r["ma_tinh"]: (r["ten_tinh"], tuple(r["tinh_cu"].split(";"))) for r in _rows("units_provinces_2025.csv")}


@lru_cache(maxsize=1)
def communes_2024() -> dict[str, Commune]:
    return {r["ma_xa"]: Commune(r["ma_xa"], r["ten_xa"], r["ma_tinh"], r["ma_huyen"], r["ten_huyen"])
            for r in _rows("units_communes_2024.csv")}


@lru_cache(maxsize=1)
def communes_2025() -> dict[str, Commune]:
    names = {code: name for code, (name, _) in provinces_2025().items()}
    return {r["ma_xa"]: Commune(r["ma_xa"], r["ten_xa"], r["ma_tinh"]) for r in _rows("units_communes_2025.csv")
            if r["ma_tinh"] in names}


@lru_cache(maxsize=1)
def provinces_2024() -> dict[str, str]:
    return {r["ma_tinh"]: r["ten_tinh"] for r in _rows("units_communes_2024.csv")}


@lru_cache(maxsize=1)
def districts_2024() -> dict[str, tuple[str, str]]:
    """district code → (province code, name)."""
    return {c.district_code: (c.province_code, c.district_name) for c in communes_2024().values()}


@lru_cache(maxsize=1)
def _old_to_new() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for r in sorted(_rows("units_communes_2024_to_2025.csv"), key=lambda r: r["mac_dinh"] != "1"):
        out.setdefault(r["ma_xa_cu"], []).append(r["ma_xa_moi"])
    return {k: tuple(v) for k, v in out.items()}


def new_communes(old_code: str) -> tuple[str, ...]:
    """The 2025 communes an old commune went into, the one it mainly went into first."""
    return _old_to_new().get(old_code, ())


@lru_cache(maxsize=1)
def _new_to_old() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for old, news in _old_to_new().items():
        for new in news:
            out.setdefault(new, []).append(old)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def former_communes(new_code: str) -> tuple[str, ...]:
    return _new_to_old().get(new_code, ())


@lru_cache(maxsize=128)
def province_after(old_province: str) -> str:
    """The province an old province code is part of from 01/07/2025 (58 → 56); '' if unknown."""
    for code, (_, formers) in provinces_2025().items():
        if old_province in formers:
            return code
    return ""


def former_provinces(province_code: str) -> tuple[str, ...]:
    return provinces_2025().get(province_code, ("", ()))[1]


def former_province_of(commune_code: str) -> str:
    """The old province a 2025 commune lies in (mostly); '' when the commune is unknown."""
    olds = former_communes(commune_code)
    if not olds:
        return ""
    counts: dict[str, int] = {}
    for old in olds:
        p = communes_2024()[old].province_code
        counts[p] = counts.get(p, 0) + 1
    return max(sorted(counts), key=counts.get)


def province_name(code: str, day: date) -> str:
    """The province's name under the units in force on ``day`` ('' when the code is not a province then)."""
    if reformed(day):
        return provinces_2025().get(code, ("", ()))[0]
    return provinces_2024().get(code, "")


def commune_name(code: str, day: date) -> str:
    unit = (communes_2025() if reformed(day) else communes_2024()).get(code)
    return unit.name if unit else ""


def communes_of(province_code: str, day: date) -> dict[str, Commune]:
    if reformed(day):
        return {c: u for c, u in communes_2025().items() if u.province_code == province_code}
    return {c: u for c, u in communes_2024().items() if u.province_code == province_code}


@lru_cache(maxsize=1)
def _by_district_and_name() -> dict[tuple[str, str], str]:
    out = {}
    for c in communes_2024().values():
        full = c.name.lower()
        bare = full
        for prefix in ("thị trấn ", "phường ", "xã "):
            bare = bare.removeprefix(prefix)
        out.setdefault((c.district_code, bare), c.code)
        out[(c.district_code, full)] = c.code
    return out


def find_commune_2024(district_code: str, name: str) -> str:
    """An old commune's code from its district and its name with or without 'Xã'/'Phường'/'Thị trấn'."""
    return _by_district_and_name().get((district_code, name.strip().lower()), "")


def _kind(name: str) -> str:
    return "thành phố" if name.startswith("Thành phố") else "tỉnh"


def office(province_code: str, day: date) -> str:
    """The provincial BHXH office's name on ``day`` ('BHXH tỉnh Khánh Hòa' for 58 after the reform).  The
    offices' names after their 2025 reorganisation are UNCONFIRMED: we write 'BHXH tỉnh <province>'."""
    if reformed(day):
        code = province_code if province_code in provinces_2025() else province_after(province_code)
        name = provinces_2025().get(code, ("", ()))[0]
    else:
        name = provinces_2024().get(province_code, "")
    return f"BHXH {_kind(name)} {short(name)}" if name else ""


@lru_cache(maxsize=1)
def _former_by_name() -> dict[str, str]:
    return {short(name): code for code, name in provinces_2024().items()}


def office_on(issuer: str, day: date) -> str:
    """A card's issuing office as the card check names it on ``day``: a former province's office is named
    after the province that took it in ('BHXH tỉnh Ninh Thuận' → 'BHXH tỉnh Khánh Hòa' from 01/07/2025)."""
    for kind in ("tỉnh ", "thành phố "):
        head = f"BHXH {kind}"
        if reformed(day) and issuer.startswith(head):
            code = _former_by_name().get(issuer[len(head):].strip())
            if code and code not in provinces_2025():
                return office(code, day)
    return issuer


def address_on(address: str, day: date) -> str:
    """An address whose last part names a former province, with the province of ``day`` instead
    ('…, Ninh Thuận' → '…, Khánh Hòa' from 01/07/2025); the rest of the address is left as registered."""
    head, sep, last = address.rpartition(", ")
    code = _former_by_name().get(last.removeprefix("tỉnh ").strip()) if sep else None
    if not reformed(day) or not code or code in provinces_2025():
        return address
    return f"{head}, {short(provinces_2025()[province_after(code)][0])}"
