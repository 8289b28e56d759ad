"""The demo's citizens and their visits: two adults with VNeID accounts and a child under 14 whose
guardian is the first of them, with visits over three years whose data agree with themselves (sex,
blood group, height and weight, reason with diagnosis, the card valid on the visit's day).

Dates are relative to the sandbox "today" at load time: the visits of this year are in the past.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from fixtures.generator import Traits
from fixtures.identity import Person

from .population import card_row

ADDRESS = "Phường Phan Rang, tỉnh Khánh Hòa"          # the units of today's map (Ninh Thuận is in Khánh Hòa)
COLD = ("J06.9", "Nhiễm trùng đường hô hấp trên cấp, không đặc hiệu", "Sốt, ho")
PRESSURE = ("I10", "Bệnh lý tăng huyết áp vô căn (nguyên phát)", "Tái khám định kỳ")
PNEUMONIA = ("J18.9", "Viêm phổi, không đặc hiệu", "Sốt cao, ho, khó thở")
STOMACH = ("K29.7", "Viêm dạ dày, không đặc hiệu", "Đau thượng vị")
DIARRHOEA = ("A09", "Tiêu chảy và viêm dạ dày - ruột do nhiễm trùng", "Đau bụng, tiêu chảy")
BACK = ("M54.5", "Đau vùng thắt lưng", "Đau lưng")
HIP = ("M16.1", "Thoái hóa khớp háng nguyên phát, hai bên", "Đau khớp háng, đi lại khó")
MIEN = Person("Nguyễn Văn Miễn", True, date(1970, 4, 4), "058070000020", "5800000020", "DN4585800000020", "58",
              ADDRESS, "0912000020")
LAN = Person("Phạm Thị Lan", False, date(1999, 3, 4), "058199000123", "", "", "58", ADDRESS, "0912000123")
CHUA = Person("Trần Thị Chưa", False, date(1975, 5, 5), "058175000021", "5800000021", "DN4585800000021", "58",
              ADDRESS, "0912000021")


@dataclass(frozen=True)
class Visit:
    facility: str
    form: str
    start: datetime
    condition: tuple[str, str, str]
    surgery: bool = False      # a hip replacement: about 10.6 M of co-payment on a DN4 card


@dataclass(frozen=True)
class DemoCitizen:
    person: Person
    traits: Traits
    visits: tuple[Visit, ...]
    guardian: str = ""
    vneid: bool = True
    five_years_from: str = ""  # the card's ngayDu5Nam (co-payment exemption, NĐ 188/2025 Đ18 k2)
    insured: bool = True       # False: no BHYT card (QĐ 31/QĐ-BYT: in the Sổ SKĐT all the same)

    def citizen_row(self) -> dict:
        p = self.person
        return {"personal_id": p.personal_id, "full_name": p.name, "birth_date": p.birth.strftime("%Y%m%d"),
                "sex": "1" if p.male else "2", "address": p.address, "phone": p.phone, "guardian_id": self.guardian,
                "vneid_level": "2" if self.vneid else "0", "district_code": "582", "commune": "Kinh Dinh"}

    def card_row(self, today: date) -> dict:
        """The population's card row, valid from two years back (the visits' first year)."""
        p = self.person
        return card_row(p.card, p.personal_id, p.name, p.birth.strftime("%Y%m%d"), 1 if p.male else 2, today,
                        address=p.address, valid_from=f"{today.year - 2}0101", five_years_from=self.five_years_from)


def _on(today: date, years_ago: int, month: int, day: int, hour: int = 8) -> datetime:
    return datetime(today.year - years_ago, month, day, hour, 0)


def _recent(today: date, days_ago: int, hour: int = 7) -> datetime:
    day = max(today - timedelta(days=days_ago), date(today.year, 1, 2))
    return datetime(day.year, day.month, day.day, hour, 30)


def demo_citizens(today: date) -> list[DemoCitizen]:
    an = Person("Trần Văn An", True, date(1985, 2, 1), "058085000001", "5800000001", "DN4585800000001", "58",
                ADDRESS, "0912000001")
    hoa = Person("Lê Thị Hoa", False, date(1990, 3, 15), "058190000002", "5800000016", "HN2585800000016", "58",
                 "Xã Ninh Hải, tỉnh Khánh Hòa", "0912000002")
    born = date(today.year - 8, 9, 15)
    han = Person("Trần Gia Hân", False, born, f"0583{born.year % 100:02d}000140", "5800000140", "TE1585800000140",
                 "58", ADDRESS, "")
    return [
        DemoCitizen(an, Traits(blood="O+", ethnicity="01", occupation="61", height=168, weight=66.0), (
            Visit("58001", "kham", _on(today, 2, 3, 12), COLD),
            Visit("58001", "ngoai_tru", _on(today, 1, 6, 3), PRESSURE),
            Visit("58001", "linh_thuoc", _on(today, 1, 7, 4), PRESSURE),
            Visit("58002", "noi_tru", _recent(today, 40), PNEUMONIA),
            Visit("58001", "linh_thuoc", _recent(today, 7), PRESSURE),
        )),
        DemoCitizen(hoa, Traits(blood="A+", ethnicity="17", occupation="11", height=156, weight=50.0), (
            Visit("58114", "kham", _on(today, 1, 9, 20), STOMACH),
            Visit("58001", "ban_ngay", _recent(today, 25), DIARRHOEA),
            Visit("58011", "tu_xa", _recent(today, 10), BACK),
        )),
        DemoCitizen(han, Traits(blood="O+", ethnicity="01", occupation="00", height=128, weight=25.0), (
            Visit("58001", "kham", _on(today, 1, 11, 5), COLD),
            Visit("58001", "kham", _recent(today, 15), DIARRHOEA),
        ), guardian="058085000001", vneid=False),
        # the co-payment look-up (CV 1839): one who has reached the exemption this year, one who has not
        DemoCitizen(MIEN, Traits(blood="B+", ethnicity="01", occupation="91", height=165, weight=70.0), (
            Visit("58001", "noi_tru", _recent(today, 150), HIP, surgery=True),
            Visit("58001", "noi_tru", _recent(today, 60), HIP, surgery=True),
        ), vneid=False, five_years_from="20190101"),
        DemoCitizen(CHUA, Traits(blood="A+", ethnicity="01", occupation="61", height=154, weight=52.0), (
            Visit("58001", "noi_tru", _recent(today, 90), HIP, surgery=True),
        ), vneid=False, five_years_from="20230101"),
        # QĐ 31/QĐ-BYT: a patient without a BHYT card, identified by her personal ID, with a VNeID account
        DemoCitizen(LAN, Traits(blood="O+", ethnicity="01", occupation="11", height=158, weight=51.0), (
            Visit("58001", "ngoai_tru", _recent(today, 20), STOMACH),
        ), insured=False),
    ]


def visit_traits(citizen: DemoCitizen, visit: Visit) -> Traits:
    return replace(citizen.traits, condition=visit.condition)
