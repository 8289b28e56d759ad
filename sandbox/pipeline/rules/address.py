"""The patient's residence in XML1 (MATINH_CU_TRU, MAHUYEN_CU_TRU, MAXA_CU_TRU), judged by the
administrative units in force on the episode's date: 63 provinces with districts and communes until
30/06/2025, 34 provinces with communes and no district from 01/07/2025 (QĐ 19/2025/QĐ-TTg).

A province code that was never a province is an error (XML1-PROV-01).  Units of the wrong period — an
old province, an old commune or a district after the reform, a commune outside its province — are only
warnings (XML1-ADDR-01): vendors report that BHXH classes residence-code errors as warnings and checks
province and commune only since the reform, MAHUYEN_CU_TRU still written but not checked (a claims
checker's design note of 07/09/2026).  No primary text seen: UNCONFIRMED, so never a rejection.
"""

from __future__ import annotations

from ...reference import codelists as cl
from ...reference import units
from . import WARNING, Hit, rule
from .view import day, judged_day

VENDORS = ("QĐ 19/2025/QĐ-TTg (34 tỉnh, 3 321 xã, không còn cấp huyện từ 01/07/2025); mức cảnh báo theo "
           "phản ánh của nhà cung cấp phần mềm về Cổng BHXH (UNCONFIRMED)")


@rule("XML1-PROV-01", "MATINH_CU_TRU không phải mã tỉnh hiện hành", "MATINH_CU_TRU is not a province code in force",
      source="TT 07/2016/TT-BCA PL1 (63 tỉnh); QĐ 19/2025/QĐ-TTg (34 tỉnh từ 01/07/2025)",
      fields=("MATINH_CU_TRU", "NGAY_VAO"))
def residence_province(v, ctx):
    x = v.xml1
    when, value = day(x.get("NGAY_VAO")), x.get("MATINH_CU_TRU")
    if when and value and value not in cl.provinces().codes_on(when):
        yield Hit("XML1", x.path("MATINH_CU_TRU"), value, f"{value} không phải mã tỉnh ngày {when:%d/%m/%Y}",
                  f"{value} is not a province code on {when}", x.line)


@rule("XML1-ADDR-01", "Địa chỉ cư trú không theo đơn vị hành chính tại ngày của hồ sơ",
      "Residence codes are not the administrative units in force on the episode's date",
      source=VENDORS + "; judged on NGAY_RA", fields=("MATINH_CU_TRU", "MAHUYEN_CU_TRU", "MAXA_CU_TRU", "NGAY_RA"),
      severity=WARNING, confidence="unconfirmed")
def residence_units(v, ctx):
    x = v.xml1
    when = judged_day(v, ctx)
    province, district, commune = x.get("MATINH_CU_TRU"), x.get("MAHUYEN_CU_TRU"), x.get("MAXA_CU_TRU")
    if when is None or not province:
        return
    on = f"{when:%d/%m/%Y}"
    if units.reformed(when):
        now = units.province_after(province)
        if province not in units.provinces_2025() and now:
            yield Hit("XML1", x.path("MATINH_CU_TRU"), province,
                      f"{province} là tỉnh cũ; từ 01/07/2025 thuộc tỉnh {now} ({units.short(units.provinces_2025()[now][0])})",
                      f"{province} is a former province; part of {now} from 01/07/2025", x.line)
        if district:
            yield Hit("XML1", x.path("MAHUYEN_CU_TRU"), district, f"từ 01/07/2025 không còn cấp huyện (ngày {on})",
                      f"no districts from 01/07/2025 (on {when})", x.line)
        unit = units.communes_2025().get(commune) if commune else None
        if commune and (unit is None or unit.province_code != (now or province)):
            moved = [units.commune_name(c, when) for c in units.new_communes(commune)]
            hint = f"; xã cũ, nay thuộc {', '.join(moved)}" if moved else ""
            yield Hit("XML1", x.path("MAXA_CU_TRU"), commune,
                      f"{commune} không phải xã, phường của tỉnh {now or province} ngày {on}{hint}",
                      f"{commune} is not a commune of province {now or province} on {when}", x.line)
    elif not district:
        yield Hit("XML1", x.path("MAHUYEN_CU_TRU"), "", f"thiếu mã huyện (trước 01/07/2025 còn cấp huyện; ngày {on})",
                  f"district missing (districts existed before 01/07/2025; on {when})", x.line)
    if not units.reformed(when) and commune:
        unit = units.communes_2024().get(commune)
        if unit is None or unit.province_code != province or (district and unit.district_code != district):
            yield Hit("XML1", x.path("MAXA_CU_TRU"), commune,
                      f"{commune} không phải xã của huyện {district or '?'}, tỉnh {province} ngày {on}",
                      f"{commune} is not a commune of district {district or '?'}, province {province} on {when}", x.line)
