"""Registry rules: the facility code registered and active, practitioners and departments of the facility."""

from __future__ import annotations

import re

from . import WARNING, Hit, rule
from .view import EpisodeView


@rule("XML1-FAC-01", "MA_CSKCB chưa đăng ký hoặc đang tạm ngừng", "MA_CSKCB is not registered or is suspended",
      source="QĐ 384/QĐ-BYT; QĐ 2733 PL01 Đ3", fields=("MA_CSKCB",))
def facility_registered(v: EpisodeView, ctx):
    x = v.xml1
    code = x.get("MA_CSKCB")
    if code != v.facility_code:
        yield Hit("XML1", x.path("MA_CSKCB"), code, f"khác MACSKCB của gói ({v.facility_code})",
                  f"differs from the envelope's MACSKCB ({v.facility_code})", x.line)
        return
    status = ctx.facilities.get(code)
    if status != "active":
        state = "chưa đăng ký" if status is None else "đang tạm ngừng"
        yield Hit("XML1", x.path("MA_CSKCB"), code, f"{code} {state}", f"{code} {status or 'not registered'}", x.line)


def _codes(value: str) -> list[str]:
    return [c.strip() for c in value.split(";") if c.strip()]


@rule("STAFF-01", "Người hành nghề chưa có trong danh mục nhân viên y tế của cơ sở",
      "Practitioner not in the facility's staff registry", source="Portal \"Danh mục nhân viên y tế\"; NĐ 96/2023 (GPHN)",
      fields=("MA_BAC_SI", "NGUOI_THUC_HIEN"), severity=WARNING)
def practitioners_registered(v, ctx):
    if not ctx.staff:
        return  # no staff registry loaded for this facility: nothing to compare with
    for table, names in (("XML2", ("MA_BAC_SI",)), ("XML3", ("MA_BAC_SI", "NGUOI_THUC_HIEN")),
                         ("XML5", ("NGUOI_THUC_HIEN",))):
        for r in v.rows(table):
            for name in names:
                unknown = [c for c in _codes(r.get(name)) if c not in ctx.staff]
                if unknown:
                    yield Hit(table, r.path(name), ";".join(unknown), f"{', '.join(unknown)} chưa đăng ký",
                              f"{', '.join(unknown)} not registered", r.line)


@rule("DEPT-01", "Mã khoa chưa có trong danh mục khoa của cơ sở", "Department code not in the facility's registry",
      source="QĐ 5937/QĐ-BYT PL5", fields=("MA_KHOA",), severity=WARNING)
def departments_registered(v, ctx):
    if not ctx.departments:
        return
    for table in ("XML1", "XML2", "XML3"):
        for r in v.rows(table):
            unknown = [c for c in _codes(r.get("MA_KHOA")) if c not in ctx.departments]
            if unknown:
                yield Hit(table, r.path("MA_KHOA"), ";".join(unknown), f"{', '.join(unknown)} chưa đăng ký",
                          f"{', '.join(unknown)} not registered", r.line)


# QĐ 1804/QĐ-BYT: MA_KHOA of 61 rows — K01 … K60 and K99, some with sub-codes (K16.1, .Dxx).  The list
# itself is not held here: only its shape is checked, and only as a warning.
KHOA_1804 = re.compile(r"^K(0[1-9]|[1-5]\d|60|99)(\.[0-9A-Z]{1,4})*$")


@rule("DEPT-02", "Mã khoa không có dạng của danh mục QĐ 1804 (K01–K60, K99, mã con)",
      "Department code not shaped as in QĐ 1804's list (K01–K60, K99, sub-codes)",
      source="QĐ 1804/QĐ-BYT (19/06/2026): MA_KHOA 61 rows; the list is not held, its shape is (UNCONFIRMED sub-codes)",
      fields=("MA_KHOA",), severity=WARNING, confidence="unconfirmed", document="QD1804-2026")
def department_shape(v, ctx):
    for table in ("XML1", "XML2", "XML3"):
        for r in v.rows(table):
            odd = [c for c in _codes(r.get("MA_KHOA")) if not KHOA_1804.match(c)]
            if odd:
                yield Hit(table, r.path("MA_KHOA"), ";".join(odd), f"{', '.join(odd)} không có dạng Kxx theo QĐ 1804",
                          f"{', '.join(odd)} is not shaped Kxx as in QĐ 1804", r.line)

