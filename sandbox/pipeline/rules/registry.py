"""Registry rules: the facility code registered and active, practitioners and departments of the facility."""

from __future__ import annotations

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
