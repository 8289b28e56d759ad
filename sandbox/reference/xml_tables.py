"""The QĐ 130/4750/3176 table definitions, read from data/xml_tables.csv.

One machine-readable table of every element: order, type, maximum size, required flag, the
QĐ 130 type/size where 4750/3176 changed it, and the note.  XSDs, the generator and the rules
all derive from it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Element:
    table: str
    order: int
    name: str
    type: str          # string | number
    max: str           # digits or "n" (unbounded)
    type_130: str
    max_130: str
    req: str           # R | O | C | R*
    notes: str


@dataclass(frozen=True)
class TableShape:
    """Root / list / row element names of a table document."""
    root: str
    list: str | None
    row: str | None


SHAPES: dict[str, TableShape] = {
    "XML0": TableShape("CHI_TIEU_TRANG_THAI_KCB", "DSACH_TRANG_THAI_KCB", "TRANG_THAI_KCB"),
    "XML1": TableShape("TONG_HOP", None, None),
    "XML2": TableShape("CHITIEU_CHITIET_THUOC", "DSACH_CHI_TIET_THUOC", "CHI_TIET_THUOC"),
    "XML3": TableShape("CHITIEU_CHITIET_DVKT_VTYT", "DSACH_CHI_TIET_DVKT", "CHI_TIET_DVKT"),
    "XML4": TableShape("CHITIEU_CHITIET_DICHVUCANLAMSANG", "DSACH_CHI_TIET_CLS", "CHI_TIET_CLS"),
    "XML5": TableShape("CHITIEU_CHITIET_DIENBIENLAMSANG", "DSACH_CHI_TIET_DIEN_BIEN_BENH", "CHI_TIET_DIEN_BIEN_BENH"),
    "XML6": TableShape("CHI_TIEU_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS",
                       "DSACH_HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS",
                       "HO_SO_BENH_AN_CHAM_SOC_VA_DIEU_TRI_HIV_AIDS"),
    "XML7": TableShape("CHI_TIEU_DU_LIEU_GIAY_RA_VIEN", None, None),
    "XML8": TableShape("CHI_TIEU_DU_LIEU_TOM_TAT_HO_SO_BENH_AN", None, None),
    "XML9": TableShape("CHI_TIEU_DU_LIEU_GIAY_CHUNG_SINH", "DSACH_GIAYCHUNGSINH", "DU_LIEU_GIAY_CHUNG_SINH"),
    "XML10": TableShape("CHI_TIEU_DU_LIEU_GIAY_NGHI_DUONG_THAI", None, None),
    "XML11": TableShape("CHI_TIEU_DU_LIEU_GIAY_CHUNG_NHAN_NGHI_VIEC_HUONG_BAO_HIEM_XA_HOI", None, None),
    "XML12": TableShape("CHI_TIEU_GIAM_DINH_YKHOA", "DSACH_GIAM_DINH_YKHOA", "GIAM_DINH_YKHOA"),
    "XML13": TableShape("CHI_TIEU_GIAYCHUYENTUYEN", None, None),
    "XML14": TableShape("CHI_TIEU_GIAYHEN_KHAMLAI", None, None),
    "XML15": TableShape("CHI_TIEU_DIEUTRI_BENHLAO", "DSACH_CHITIET_DIEUTRI_BENHLAO", "CHITIET_DIEUTRI_BENHLAO"),
}


@lru_cache(maxsize=1)
def all_elements() -> tuple[Element, ...]:
    data = resources.files("sandbox.reference") / "data" / "xml_tables.csv"
    with data.open(encoding="utf-8") as fh:
        return tuple(Element(r["table"], int(r["order"]), r["element"], r["type"], r["max"], r["type_130"],
                             r["max_130"], r["req"], r["notes"]) for r in csv.DictReader(fh))


def elements(table: str) -> tuple[Element, ...]:
    return tuple(sorted((e for e in all_elements() if e.table == table), key=lambda e: e.order))

