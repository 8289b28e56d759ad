"""The HIS readiness suite: what a facility's HIS must show before it goes live (QĐ 2733, QĐ 130/4750/3176,
CV 1923, CV 3190).  Each check judges the session's evidence (conformance/evidence.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sandbox.clock import VN_TZ, as_utc

from .dsl import Fail, Outcome, Skip, Suite
from .evidence import Evidence, mask

SUITE = Suite("his-readiness", "1.1.0", "Sẵn sàng liên thông dữ liệu KCB của phần mềm HIS (QĐ 2733)",
              "HIS readiness to interconnect care data (QĐ 2733)")
RETIRED_VERSIONS: frozenset[str] = frozenset()   # certificates naming these versions are invalid
FORMS = {  # MA_LOAI_KCB: (check id, Vietnamese, English, tables the episode needs)
    "01": ("HIS-FORM-01", "Khám bệnh ngoại trú", "Outpatient exam", {"XML1", "XML2", "XML3"}),
    "02": ("HIS-FORM-02", "Điều trị ngoại trú", "Outpatient treatment", {"XML1", "XML2", "XML3", "XML5"}),
    "07": ("HIS-FORM-03", "Lĩnh thuốc theo hẹn", "Drug pick-up by appointment", {"XML1", "XML2"}),
    "03": ("HIS-FORM-04", "Điều trị nội trú", "Inpatient", {"XML1", "XML2", "XML3", "XML5", "XML7", "XML8"}),
    "04": ("HIS-FORM-05", "Điều trị nội trú ban ngày", "Day inpatient", {"XML1", "XML2", "XML3", "XML5", "XML8"}),
    "14": ("HIS-FORM-06", "Khám chữa bệnh từ xa", "Tele-medicine", {"XML1", "XML2", "XML3"}),
}


def _form_check(code: str, check_id: str, vi: str, en: str, needed: set[str]):
    def check(ev: Evidence):
        done = ev.accepted(code)
        if not done:
            raise Skip(f"chưa có lượt {vi.lower()} (MA_LOAI_KCB {code}) được chấp nhận",
                       f"no accepted {en.lower()} episode (MA_LOAI_KCB {code}) yet")
        complete = [h for h in done if needed <= h.tables]
        if not complete:
            missing = sorted(needed - done[0].tables)
            raise Fail(f"hồ sơ {mask(done[0].ma_lk)} thiếu {', '.join(missing)}",
                       f"episode {mask(done[0].ma_lk)} lacks {', '.join(missing)}", [done[0].submission_id])
        return Outcome("pass", f"{len(complete)} lượt hợp lệ", f"{len(complete)} accepted", (complete[0].submission_id,))
    check.__name__ = f"form_{code}"
    return check


forms = SUITE.group("FORM", title="Mọi hình thức KCB, đủ các bảng", title_en="Every form of care, with its tables")
for _code, (_id, _vi, _en, _needed) in FORMS.items():
    forms.check(_id, title=f"{_vi}: lượt được chấp nhận, đủ {', '.join(sorted(_needed, key=lambda t: int(t[3:])))}",
                title_en=f"{_en}: an accepted episode with {', '.join(sorted(_needed, key=lambda t: int(t[3:])))}",
                requirements=("QD2733:D2", "QD130:B1-B3") + (("QD130:B7-B8",) if "XML8" in _needed else ()))(
        _form_check(_code, _id, _vi, _en, _needed))


@forms.check("HIS-FORM-07", title="Có kết quả cận lâm sàng thì gửi XML4", title_en="Lab/imaging results are sent in XML4",
             requirements=("QD130:B4-B5",))
def results_sent(ev: Evidence):
    with_labs = [h for h in ev.accepted() if h.has_lab_services]
    if not with_labs:
        raise Skip("chưa có lượt nào có dịch vụ xét nghiệm/CĐHA/TDCN", "no episode with lab or imaging services yet")
    missing = [h for h in with_labs if "XML4" not in h.tables]
    if missing:
        raise Fail(f"{len(missing)} hồ sơ có DVKT CLS nhưng không có XML4, ví dụ {mask(missing[0].ma_lk)}",
                   f"{len(missing)} episodes with lab services but no XML4", [missing[0].submission_id])


@forms.check("HIS-FORM-08", title="Giấy chuyển tuyến XML13 khi chuyển tuyến", title_en="Referral paper XML13 when referred",
             requirements=("QD4750:B13-B14", "QD2733:D2"))
def referral_sent(ev: Evidence):
    referred = [h for h in ev.accepted() if h.discharge in ("2", "5")]
    if not referred:
        raise Skip("chưa có lượt chuyển tuyến (MA_LOAI_RV 2 hoặc 5)", "no referred episode (MA_LOAI_RV 2 or 5) yet")
    if not any("XML13" in h.tables for h in referred):
        raise Fail("lượt chuyển tuyến không kèm XML13", "referred episode without XML13", [referred[0].submission_id])


@forms.check("HIS-FORM-09", title="Giấy hẹn khám lại XML14", title_en="Appointment slip XML14",
             requirements=("QD4750:B13-B14",))
def appointment_sent(ev: Evidence):
    if not any("XML14" in h.tables for h in ev.accepted()):
        raise Skip("chưa có lượt nào kèm giấy hẹn XML14", "no accepted episode with an appointment slip XML14 yet")


flow = SUITE.group("FLOW", title="Quy trình tiếp đón – check-in – gửi hồ sơ", title_en="Reception, check-in, submission")


@flow.check("HIS-FLOW-01", title="Check-in XML0 trước lượt KCB, cùng MA_LK", title_en="XML0 check-in before the episode, same MA_LK",
            requirements=("QD4750:check-in", "QD2733:D5.b4"))
def checked_in_first(ev: Evidence):
    episodes = ev.accepted()
    if not episodes:
        raise Skip("chưa có lượt KCB được chấp nhận", "no accepted episode yet")
    first_checkin = {}
    for at, ma_lk, ok in ev.checkins:
        if ok:
            first_checkin.setdefault(ma_lk, at)
    late = [h for h in episodes if not (h.ma_lk in first_checkin and first_checkin[h.ma_lk] <= h.received_at)]
    if late:
        raise Fail(f"{len(late)}/{len(episodes)} lượt không có check-in XML0 hợp lệ trước đó, ví dụ {mask(late[0].ma_lk)}",
                   f"{len(late)}/{len(episodes)} episodes without an earlier accepted XML0 check-in", [late[0].submission_id])


@flow.check("HIS-FLOW-02", title="Tra cứu thẻ BHYT cho mỗi người bệnh trước check-in",
            title_en="A card look-up for each patient before the check-in", requirements=("CV1923:card-check", "QD2733:D4.k5b"))
def card_checked_first(ev: Evidence):
    episodes = [h for h in ev.accepted() if h.card]
    if not episodes:
        raise Skip("chưa có lượt KCB BHYT được chấp nhận", "no accepted BHYT episode yet")
    checkin_at = {}
    for at, ma_lk, ok in ev.checkins:
        checkin_at.setdefault(ma_lk, at)
    missing = []
    for h in episodes:
        before = checkin_at.get(h.ma_lk, h.received_at)
        cards = {c for c in h.card.split(";") if c}
        if not any((c.card_number in cards or c.card_number in (h.personal_id, h.card[5:15]))
                   and as_utc(c.checked_at) <= before for c in ev.card_checks):
            missing.append(h)
    if missing:
        raise Fail(f"{len(missing)} người bệnh không được tra cứu thẻ trước check-in, ví dụ thẻ {mask(missing[0].card)}",
                   f"{len(missing)} patients were not looked up before check-in", [missing[0].submission_id])


@flow.check("HIS-FLOW-06", title="Lịch sử KCB đọc từ Lskcb2025, không từ tra cứu thẻ",
            title_en="The visit history is read from Lskcb2025, not from the card check",
            requirements=("CV2746:history",))
def history_from_lskcb2025(ev: Evidence):
    """Since CV 2746/BHXH-CNTT the card check answers dsLichSuKCB2018 null: a HIS that shows a history at
    reception must call Lskcb2025 (form body, token in the query string) — a call the gateway answered
    with a card code, not refused for its token (401) or its parameters (205)."""
    looked_up = [x for x in ev.exchanges if x.operation == "card_check"]
    if not looked_up:
        raise Skip("chưa tra cứu thẻ nào trong phiên", "no card look-up in the session yet")
    read = [x for x in ev.exchanges if x.operation == "history_2025" and x.ma_ket_qua not in ("", "401", "205")]
    if not read:
        raise Fail(f"{len(looked_up)} lần tra cứu thẻ nhưng chưa lần nào đọc lịch sử KCB qua Lskcb2025",
                   f"{len(looked_up)} card look-ups but the history was never read from Lskcb2025",
                   [f"exchange {looked_up[0].id}"])
    return Outcome("pass", f"{len(read)} lần đọc lịch sử qua Lskcb2025", f"{len(read)} history reads from Lskcb2025",
                   (f"exchange {read[0].id}",))


@flow.check("HIS-FLOW-07", title="Tra cứu cùng chi trả: 401 thân rỗng thì lấy token mới rồi hỏi lại; 204 không phải lỗi",
            title_en="Co-payment look-up: an empty 401 takes a new token and asks again; 204 is not an error",
            requirements=("CV1839:mcct",))
def copayment_handled(ev: Evidence):
    """The session answers the first TraCuuTienMCCT with HTTP 401 and an empty body (fault copayment_401): the
    HIS must read the status, not a body, take a new token and ask again — answered MaKetQua 200 or 204."""
    calls = [x for x in ev.exchanges if x.operation == "copayment"]
    if not calls:
        raise Skip("chưa tra cứu cùng chi trả (TraCuuTienMCCT) trong phiên", "no co-payment look-up in the session yet")
    provoked = next((x for x in calls if x.fault == "copayment_401"), None)
    if provoked is None:
        raise Skip("sandbox chưa trả 401 cho lần tra cứu nào", "the sandbox has not answered a 401 yet")
    again = [y for y in calls if y.id > provoked.id and y.ma_ket_qua in ("200", "204")
             and y.token_digest != provoked.token_digest]
    if not again:
        raise Fail("sau 401 (thân rỗng) không lấy token mới và tra cứu lại thành công",
                   "after the empty 401 no new token was taken and the look-up never answered 200/204",
                   [f"exchange {provoked.id}"])
    return Outcome("pass", f"tra lại bằng token mới, MaKetQua {again[0].ma_ket_qua}",
                   f"asked again with a new token, MaKetQua {again[0].ma_ket_qua}", (f"exchange {again[0].id}",))


@flow.check("HIS-FLOW-03", title="Gửi hồ sơ trong thời hạn sau NGAY_RA", title_en="Episode sent within the allowed time after NGAY_RA",
            requirements=("QD2733:D4.k5dd", "QD2733:D5.b6"))
def sent_in_time(ev: Evidence):
    episodes = ev.accepted()
    if not episodes:
        raise Skip("chưa có lượt KCB được chấp nhận", "no accepted episode yet")
    limit = timedelta(hours=ev.allowed_delay_hours)
    late = []
    for h in episodes:
        try:
            ra = datetime.strptime(h.ngay_ra, "%Y%m%d%H%M").replace(tzinfo=VN_TZ)
        except ValueError:
            continue
        if h.received_at - ra > limit:
            late.append(h)
    if late:
        raise Fail(f"{len(late)} hồ sơ gửi quá {ev.allowed_delay_hours:g} giờ sau NGAY_RA",
                   f"{len(late)} episodes sent more than {ev.allowed_delay_hours:g} h after NGAY_RA", [late[0].submission_id])


@flow.check("HIS-FLOW-04", title="Hồ sơ sửa đổi thay thế hồ sơ đã gửi cùng MA_LK",
            title_en="A corrected resubmission replaces an accepted MA_LK", requirements=("QD3176:replacement",))
def replaced(ev: Evidence):
    if not any(h.disposition == "replacement" for h in ev.hosos):
        raise Skip("chưa gửi hồ sơ thay thế (cùng MA_LK, nội dung đã sửa)", "no replacement (same MA_LK, corrected) yet")


@flow.check("HIS-FLOW-05", title="Sổ SKĐT của mỗi lượt hợp lệ chứa đúng dữ liệu đã gửi",
            title_en="The health-book entry of each accepted episode holds what was sent", requirements=("QD2733:D5.b7",))
def book_holds_it(ev: Evidence):
    current = [e for e in ev.episodes if e.is_current]
    if not current:
        raise Skip("chưa có lượt KCB được chấp nhận", "no accepted episode yet")
    wrong = []
    for e in current:
        entry = ev.book.get(e.ma_lk)
        facts = e.facts or {}
        if entry is None or entry.get("hanhChinh", {}).get("hoTen") != facts.get("HO_TEN") or \
                entry.get("luotKham", {}).get("maBenhChinh") != facts.get("MA_BENH_CHINH"):
            wrong.append(e)
    if wrong:
        raise Fail(f"{len(wrong)} lượt không có hoặc sai mục Sổ SKĐT", f"{len(wrong)} episodes lack a matching book entry",
                   [wrong[0].submission_id])


signature = SUITE.group("SIG", title="Chữ ký số", title_en="Digital signature")


@signature.check("HIS-SIG-01", title="Mọi hồ sơ ký bằng chứng thư đã đăng ký của cơ sở",
                 title_en="Every envelope signed with the facility's registered certificate",
                 requirements=("QD2733:D4.k3", "QD2733:D5.b6"))
def signed_by_registered_certificate(ev: Evidence):
    processed = [s for s in ev.submissions if s.status == "DA_XU_LY"]
    if not processed:
        raise Skip("chưa có hồ sơ nào được xử lý", "nothing processed yet")
    bad = [s for s in processed if any(f["code"].startswith("SIG-") and f["code"] != "SIG-000" for f in s.findings or [])]
    if bad:
        codes = sorted({f["code"] for s in bad for f in s.findings if f["code"].startswith("SIG-")})
        raise Fail(f"{len(bad)}/{len(processed)} giao dịch bị từ chối chữ ký ({', '.join(codes)})",
                   f"{len(bad)}/{len(processed)} transactions refused for their signature ({', '.join(codes)})",
                   [bad[0].id])


resilience = SUITE.group("RES", title="Xử lý sự cố của Cổng", title_en="Handling the gateway's faults")
TRANSIENT = {"burst_503", "burst_502", "maintenance", "peak_1001"}


@resilience.check("HIS-RES-01", title="Lỗi tạm thời (502/503) thì gửi lại đúng nội dung đó",
                  title_en="A transient fault (502/503) is retried with the same content", requirements=("CV3190:api",))
def retried_after_transient(ev: Evidence):
    """"The same content" is the same episodes as the gateway's duplicate rule sees them
    (sandbox/pipeline/content.py): a HIS that signs anew for its resend (a fresh .NET SignedXml Id) resends
    the same content."""
    faults = [x for x in ev.exchanges if x.fault in TRANSIENT and x.content_sha256]
    if not faults:
        raise Skip("sandbox chưa trả lỗi tạm thời nào trong phiên", "the sandbox has not answered a transient fault yet")
    for x in faults:
        if not any(y.id > x.id and y.content_sha256 == x.content_sha256 and y.ma_ket_qua == "200" for y in ev.exchanges):
            raise Fail(f"sau lỗi {x.ma_loi or x.http_status} lúc {x.at:%H:%M:%S}, nội dung đó không được gửi lại thành công",
                       f"after fault {x.ma_loi or x.http_status} the same content was never sent again successfully",
                       [f"exchange {x.id}"])


@resilience.check("HIS-RES-02", title="Token bị từ chối thì lấy token mới, không gửi lại bằng token cũ",
                  title_en="A refused token is renewed, not retried blindly", requirements=("CV3190:api",))
def token_renewed(ev: Evidence):
    refused = [x for x in ev.exchanges if x.fault == "token_refused"]
    if not refused:
        raise Skip("sandbox chưa từ chối token nào trong phiên", "the sandbox has not refused a token yet")
    for x in refused:
        reused = [y for y in ev.exchanges if y.id > x.id and y.token_digest == x.token_digest]
        if reused:
            raise Fail(f"token đã bị từ chối vẫn được dùng lại {len(reused)} lần", f"the refused token was used again {len(reused)} times",
                       [f"exchange {reused[0].id}"])
        renewed = [y for y in ev.exchanges if y.id > x.id and y.operation == "token" and y.ma_ket_qua == "200"]
        if not renewed or not any(y.id > renewed[0].id and y.ma_ket_qua == "200"
                                  and y.operation.startswith(("submit", "checkin")) for y in ev.exchanges):
            raise Fail("không lấy token mới rồi gửi tiếp sau khi token bị từ chối",
                       "no new token followed by a successful submission after the refusal", [f"exchange {x.id}"])


@resilience.check("HIS-RES-03", title="Hồ sơ bị từ chối được sửa và gửi lại", title_en="A rejected episode is corrected and resent",
                  requirements=("QD2733:D4.k5a", "CV3190:api"))
def rejected_resent(ev: Evidence):
    rejected = [h for h in ev.hosos if h.status == "KHONG_HOP_LE" and h.ma_lk]
    if not rejected:
        raise Skip("chưa có hồ sơ nào bị từ chối trong phiên", "no episode was rejected in the session yet")
    for h in rejected:
        if not any(o.ma_lk == h.ma_lk and o.status == "HOP_LE" and o.received_at > h.received_at for o in ev.hosos):
            raise Fail(f"hồ sơ {mask(h.ma_lk)} bị từ chối chưa được gửi lại hợp lệ",
                       f"rejected episode {mask(h.ma_lk)} was never resent valid", [h.submission_id])


@resilience.check("HIS-RES-04", title="Không gửi lặp hồ sơ trùng", title_en="No duplicate sent in a loop", requirements=("CV3190:api",))
def no_duplicate_loop(ev: Evidence):
    counts: dict[str, int] = {}
    for h in ev.hosos:
        if h.disposition == "duplicate":
            counts[h.ma_lk] = counts.get(h.ma_lk, 0) + 1
    looping = {k: n for k, n in counts.items() if n >= 3}
    if looping:
        ma_lk, n = next(iter(looping.items()))
        raise Fail(f"hồ sơ {mask(ma_lk)} gửi trùng {n} lần", f"episode {mask(ma_lk)} sent again unchanged {n} times")
    if not ev.hosos:
        raise Skip("chưa gửi hồ sơ nào", "nothing sent yet")


ATTESTATIONS = SUITE.group("ATT", title="Điều kiện sẵn sàng do cơ sở xác nhận (QĐ 2733 Đ4)",
                           title_en="Readiness conditions attested by the facility (QĐ 2733 Đ4)")
ATTESTED = {
    "HIS-ATT-01": ("Đầu đọc thẻ Căn cước / mã QR VNeID tại quầy tiếp đón", "ID-card / VNeID QR readers at reception", ("QD2733:D4.k5b",)),
    "HIS-ATT-02": ("Nhân viên lâm sàng và CNTT được phân công, bác sĩ được tập huấn ghi tóm tắt",
                   "Clinical and IT staff assigned, doctors trained to write summaries", ("QD2733:D4.k5a", "QD2733:D4.k5d")),
    "HIS-ATT-03": ("Chứng thư số ký dữ liệu do cơ sở nắm giữ (USB token / HSM)", "The signing certificate is held by the facility",
                   ("QD2733:D4.k3",)),
    "HIS-ATT-04": ("Địa chỉ IP kết nối đã đăng ký với BHXH", "The connecting IP address is registered with BHXH", ("CV1923:ip",)),
    "HIS-ATT-05": ("Quy chế an toàn thông tin cho kết nối được phê duyệt", "The security regulation for the connection is approved",
                   ("QD2733:D4.k4",)),
    "HIS-ATT-06": ("Phần mềm ghi nhận đủ dữ liệu Sổ SKĐT và cấu hình theo QĐ 130/4750", "The software records the health-book data per QĐ 130/4750",
                   ("QD2733:D4.k2",)),
}


def _attested(check_id: str):
    def check(ev: Evidence):
        a = ev.attestations.get(check_id)
        if a is None:
            raise Skip("chưa có xác nhận", "not attested yet")
        when = as_utc(a.attested_at).astimezone(VN_TZ)
        return Outcome("pass", f"{a.attested_by} xác nhận lúc {when:%d/%m/%Y %H:%M}: {a.statement}",
                       f"attested by {a.attested_by} at {when:%Y-%m-%d %H:%M} (UTC+7): {a.statement}")
    check.__name__ = f"attested_{check_id.replace('-', '_')}"
    return check


for _id, (_vi, _en, _reqs) in ATTESTED.items():
    ATTESTATIONS.check(_id, title=_vi, title_en=_en, requirements=_reqs, attestation=True)(_attested(_id))
