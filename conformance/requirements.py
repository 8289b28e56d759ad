"""The requirements a certification verifies, each with its source; checks cite them by id.

`skdt-sandbox conformance requirements` prints requirement → checks; a test fails when a
requirement of the suite has no check.
"""

from __future__ import annotations

REQUIREMENTS: dict[str, tuple[str, str]] = {  # id: (Vietnamese, English)
    "QD2733:D2": ("QĐ 2733 Điều 2: mọi hình thức KCB (khám, điều trị ngoại trú, lĩnh thuốc theo hẹn, nội trú, "
                  "nội trú ban ngày, KCB từ xa)", "All forms of care are interconnected"),
    "QD2733:D4.k2": ("QĐ 2733 Đ4 k2: phần mềm ghi nhận dữ liệu và kết nối theo QĐ 130/4750",
                     "Software records the data and interconnects per QĐ 130/4750"),
    "QD2733:D4.k3": ("QĐ 2733 Đ4 k3: chứng thư số của cơ sở để ký dữ liệu trước khi gửi",
                     "The facility's certificate signs the data before sending"),
    "QD2733:D4.k4": ("QĐ 2733 Đ4 k4: an toàn thông tin cho kết nối; quy chế nội bộ được phê duyệt",
                     "Network security for the connection; internal regulation approved"),
    "QD2733:D4.k5a": ("QĐ 2733 Đ4 k5a: phân công nhân lực lâm sàng và CNTT, giám sát chất lượng dữ liệu",
                      "Clinical and IT staff assigned; data quality monitored"),
    "QD2733:D4.k5b": ("QĐ 2733 Đ4 k5b: tiếp đón người bệnh bằng thẻ Căn cước / số định danh / thẻ BHYT (thẻ hoặc VNeID)",
                      "Patients received by ID card, personal ID or BHYT card (card or VNeID)"),
    "QD2733:D4.k5d": ("QĐ 2733 Đ4 k5d: bác sĩ được tập huấn ghi tóm tắt hồ sơ bệnh án", "Doctors trained to write the case summary"),
    "QD2733:D4.k5dd": ("QĐ 2733 Đ4 k5đ: gửi dữ liệu lên Cổng sau khi kết thúc lượt KCB",
                       "Data sent to the gateway after the episode ends"),
    "QD2733:D5.b4": ("QĐ 2733 Đ5 bước 4: tiếp đón bằng thẻ / VNeID, tra cứu thẻ", "Reception by card / VNeID, card look-up"),
    "QD2733:D5.b6": ("QĐ 2733 Đ5 bước 6: ký số và gửi XML lên Cổng khi kết thúc lượt KCB",
                     "Sign and send the XML when the episode ends"),
    "QD2733:D5.b7": ("QĐ 2733 Đ5 bước 7: BHXH trích xuất Sổ SKĐT theo QĐ 1332", "BHXH extracts the health book (QĐ 1332)"),
    "QD130:B1-B3": ("QĐ 130/4750/3176 Bảng 1–3: tổng hợp, thuốc, DVKT/VTYT", "Tables 1–3: summary, drugs, services"),
    "QD130:B4-B5": ("QĐ 130 Bảng 4–5: kết quả CLS, diễn biến lâm sàng", "Tables 4–5: results, clinical notes"),
    "QD130:B7-B8": ("QĐ 130 Bảng 7–8: giấy ra viện, tóm tắt hồ sơ bệnh án", "Tables 7–8: discharge paper, case summary"),
    "QD4750:B13-B14": ("QĐ 4750 Bảng 13–14: giấy chuyển tuyến, giấy hẹn khám lại", "Tables 13–14: referral, appointment slip"),
    "QD4750:check-in": ("QĐ 4750 Bảng check-in (XML0): trạng thái KCB khi bắt đầu lượt khám", "Check-in table XML0 at the start"),
    "QD3176:replacement": ("QĐ 3176: hồ sơ thay thế cùng MA_LK thay cho hồ sơ đã gửi", "A replacement with the same MA_LK"),
    "CV1923:card-check": ("CV 1923/BHXH-CNTT: tra cứu thẻ KQNhanLichSuKCB2024 bằng tài khoản của cơ sở",
                          "Card look-up KQNhanLichSuKCB2024 with the facility's account"),
    "CV2746:history": ("CV 2746/BHXH-CNTT: lịch sử KCB qua Lskcb2025 (tra cứu thẻ trả dsLichSuKCB2018 null)",
                       "Visit history through Lskcb2025 (the card check answers dsLichSuKCB2018 null)"),
    "CV1839:mcct": ("CV 1839/CNTT-PM: tra cứu tiền cùng chi trả TraCuuTienMCCT (MaKetQua quyết định; 401 thân rỗng)",
                    "Co-payment look-up TraCuuTienMCCT (MaKetQua decides; an empty 401)"),
    "CV1923:ip": ("CV 1923/BHXH-CNTT: địa chỉ IP kết nối đã đăng ký", "The connecting IP address is registered"),
    "CV3190:api": ("CV 3190/CV 1245: giao thức token, gửi hồ sơ, mã kết quả", "Token, submission protocol, result codes"),
}


def checks_by_requirement(suite) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {r: [] for r in REQUIREMENTS}
    for check in suite.checks:
        for r in check.requirements:
            out.setdefault(r, []).append(check.id)
    return out
