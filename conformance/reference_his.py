"""A reference HIS built from ``fixtures/``: it talks HTTP to a running sandbox exactly as a facility's
HIS does, and passes every check of the readiness suite.  Defective variants switch one behaviour
off; each fails exactly the checks listed for it in ``DEFECTS`` (the self-test keeps that true).

    python -m conformance.reference_his http://127.0.0.1:8000 58001_BV Demo@58001 --key k.pem --cert c.pem
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from fixtures.envelope import envelope, row_document
from fixtures.generator import checkin_row, generate
from fixtures.pki import Credential
from fixtures.signing import sign
from sandbox.clock import VN_TZ

# The episodes a session needs: every form of care of QĐ 2733 Đ2, a referral and an appointment slip.
PLAN = (("kham", {}), ("ngoai_tru", {}), ("linh_thuoc", {}), ("noi_tru", {"referral_to": "58011"}),
        ("ban_ngay", {}), ("tu_xa", {}))
ALL_CHECKS_PASS: frozenset[str] = frozenset()
DEFECTS: dict[str, tuple[str, frozenset[str]]] = {  # name: (what it does wrong, checks that do not pass)
    "no_retry": ("bỏ hồ sơ khi Cổng trả 503, không gửi lại", frozenset({"HIS-FORM-01", "HIS-RES-01"})),
    "blind_retry": ("gửi lại bằng token đã bị từ chối", frozenset({"HIS-RES-02"})),
    "unsigned": ("không ký số hồ sơ", None),
    "wrong_certificate": ("ký bằng chứng thư chưa đăng ký", None),
    "no_checkin": ("không gửi check-in XML0", frozenset({"HIS-FLOW-01"})),
    "no_card_check": ("không tra cứu thẻ trước khi tiếp đón", frozenset({"HIS-FLOW-02", "HIS-FLOW-06"})),
    "no_history": ("không đọc lịch sử KCB qua Lskcb2025 (CV 2746)", frozenset({"HIS-FLOW-06"})),
    "copayment_no_retry": ("bỏ tra cứu cùng chi trả khi gặp 401 thân rỗng", frozenset({"HIS-FLOW-07"})),
    "wrong_totals": ("tổng tiền thuốc XML1 sai (nội trú ban ngày)", frozenset({"HIS-FORM-05", "HIS-RES-03"})),
    "no_replacement": ("không gửi hồ sơ thay thế khi sửa", frozenset({"HIS-FLOW-04"})),
    "duplicate_loop": ("gửi lặp một hồ sơ đã được chấp nhận", frozenset({"HIS-RES-04"})),
    "late": ("gửi hồ sơ KCB từ xa 3 ngày sau khi ra viện", frozenset({"HIS-FLOW-03"})),
    "no_attestation": ("không xác nhận điều kiện sẵn sàng", frozenset({f"HIS-ATT-0{i}" for i in range(1, 7)})),
}
# Behaviours that are not defects: a HIS with them passes every check its defects leave alone.
VARIANTS: dict[str, str] = {
    "resign": "ký lại mỗi lần gửi lại (Id chữ ký mới mỗi lần, như .NET SignedXml)",
}
COMBINATIONS: tuple[tuple[str, ...], ...] = (("resign",), ("resign", "blind_retry"))   # in the mutation table too
# With every envelope refused for its signature, what still passes: resending after a fault, renewing the
# token, no duplicate loop, reading the history (Lskcb2025), and the attestations; everything that needs an accepted episode does not.
SIGNATURE_DEFECT_PASSES = frozenset({"HIS-RES-01", "HIS-RES-02", "HIS-RES-04", "HIS-FLOW-06", "HIS-FLOW-07"} | {f"HIS-ATT-0{i}" for i in range(1, 7)})
ATTESTATIONS = {f"HIS-ATT-0{i}": text for i, text in enumerate((
    "Quầy tiếp đón có đầu đọc thẻ Căn cước gắn chip và máy quét mã QR VNeID",
    "Đã phân công nhân lực CNTT và lâm sàng; bác sĩ đã được tập huấn ghi tóm tắt hồ sơ bệnh án",
    "Chứng thư số ký dữ liệu lưu trên USB token do phòng CNTT của cơ sở quản lý",
    "IP tĩnh của cơ sở đã đăng ký với BHXH tỉnh theo CV 1923",
    "Quy chế an toàn thông tin kết nối Cổng đã được Giám đốc phê duyệt",
    "Phần mềm HIS đã cấu hình xuất dữ liệu theo QĐ 130/4750/3176"), start=1)}


def expected_failures(defects: str | frozenset[str], all_checks: set[str]) -> frozenset[str]:
    """The checks a variant does not pass (signature defects: everything that needs an accepted episode);
    behaviours of ``VARIANTS`` fail nothing."""
    failing: set[str] = set()
    for defect in ({defects} if isinstance(defects, str) else defects) - VARIANTS.keys():
        listed = DEFECTS[defect][1]
        failing |= listed if listed is not None else all_checks - SIGNATURE_DEFECT_PASSES
    return frozenset(failing)


@dataclass
class ReferenceHis:
    base_url: str
    username: str
    password: str
    facility: str
    credential: Credential
    officer: tuple[str, str] = ("Nguyễn Thị Thu", "058190000001")
    defects: frozenset[str] = frozenset()
    wrong_credential: Credential | None = None
    poll_seconds: float = 0.1
    seed: int = 500
    log: list[str] = field(default_factory=list)
    cards_seen: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)   # check-ins whose result is read before the session ends

    def __post_init__(self):
        self.http = httpx.Client(base_url=self.base_url, timeout=60)
        self.password_md5 = hashlib.md5(self.password.encode()).hexdigest().upper()
        self.headers: dict[str, str] = {}

    # --- transport ---------------------------------------------------------------------------
    def take_token(self) -> None:
        body = self.http.post("/api/token/take", data={"username": self.username, "password": self.password_md5}).json()
        assert body["maKetQua"] == "200", body
        key = body["APIKey"]
        self.headers = {"accessToken": key["access_token"], "tokenId": key["id_token"], "passwordHash": self.password_md5}

    def _post(self, path: str, form=None, **kw) -> httpx.Response:
        """POST with the retry policy a careful HIS has: 502/503 → same content again after a pause;
        a refused token → a new token, then the same content again.  ``form``: the form, or a function
        that builds it for each attempt (a HIS that signs anew for every send)."""
        blind = 2 if "blind_retry" in self.defects else 0
        for _ in range(8):
            if form is not None:
                kw["data"] = form() if callable(form) else form
            response = self.http.post(path, headers=self.headers, **kw)
            if response.status_code in (502, 503):
                if "no_retry" in self.defects:
                    return response
                time.sleep(0.05)
                continue
            body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
            if body.get("maLoi") in ("4012", "4013"):
                if blind:
                    blind -= 1
                    continue
                self.take_token()
                continue
            return response
        return response

    # --- one patient --------------------------------------------------------------------------
    def _episode(self, index: int, form: str, kwargs: dict, now: datetime):
        seed = self.seed + index
        provisional = now - timedelta(days=10)   # with a start given, the stay's length depends on the seed only
        first = generate(seed, self.facility, form, start=provisional, **kwargs)
        end = datetime.strptime(first.tables["XML1"][0]["NGAY_RA"], "%Y%m%d%H%M")
        back = timedelta(days=3, hours=2) if ("late" in self.defects and form == "tu_xa") else timedelta(hours=1)
        episode = generate(seed, self.facility, form, start=provisional + (now - back - end), **kwargs)
        if "wrong_totals" in self.defects and form == "ban_ngay":
            x = episode.tables["XML1"][0]
            x["T_THUOC"] = str(float(x["T_THUOC"]) + 1000)
        return episode

    def _signed(self, document: bytes) -> str:
        if "unsigned" in self.defects:
            return base64.b64encode(document).decode()
        if "wrong_certificate" in self.defects and self.wrong_credential is None:
            from fixtures.pki import TestCA
            self.wrong_credential = TestCA("Another CA").issue(self.facility, "not registered")
        cred = self.wrong_credential if "wrong_certificate" in self.defects else self.credential
        return base64.b64encode(sign(document, cred.key_pem, cred.cert_pem, style="dotnet")).decode()

    def _form(self, b64: str, loai: str) -> dict:
        return {"username": self.username, "loaiHoSo": loai, "maTinh": self.facility[:2], "maCSKCB": self.facility,
                "fileHSBase64": b64}

    def _signed_form(self, document: bytes, loai: str):
        """The form to send: signed once, or (variant ``resign``) signed anew for every attempt."""
        if "resign" in self.defects:
            return lambda: self._form(self._signed(document), loai)
        return self._form(self._signed(document), loai)

    def card_check(self, episode) -> None:
        p = episode.patient
        self.cards_seen.append(p.card)
        self._post("/api/egw/KQNhanLichSuKCB2024", json={"maThe": p.card, "hoTen": p.name,
                                                          "ngaySinh": p.birth.strftime("%d%m%Y"),
                                                          "hoTenCb": self.officer[0], "cccdCb": self.officer[1]})

    def history(self, episode) -> None:
        """Lskcb2025 as vendors' clients call it: a form body, the token in the query string."""
        p = episode.patient
        query = {"token": self.headers["accessToken"], "id_token": self.headers["tokenId"], "username": self.username,
                 "password": self.password_md5}
        self.http.post("/api/egw/Lskcb2025", params=query, data={
            "maThe": p.card, "hoTen": p.name, "ngaySinh": p.birth.strftime("%d/%m/%Y"), "hoTenCb": self.officer[0],
            "cccdCb": self.officer[1]})

    def copayment(self, episode) -> dict:
        """TraCuuTienMCCT at the cashier: MaKetQua decides; an empty 401 takes a new token and asks once more."""
        p = episode.patient
        body = {"username": self.username, "maThe": p.card, "hoTen": p.name, "ngaySinh": p.birth.strftime("%d/%m/%Y")}
        for attempt in (1, 2):
            response = self.http.post("/api/TraCuuCCT/TraCuuTienMCCT", headers=self.headers, json=body)
            if response.status_code == 401 and attempt == 1 and "copayment_no_retry" not in self.defects:
                self.take_token()
                continue
            return response.json() if response.content else {}
        return {}

    def check_in(self, episode) -> None:
        document = row_document("XML0", [checkin_row(episode)])
        response = self._post("/api/qd130/checkInKcbQd3176", self._signed_form(document, "0"))
        if response.status_code == 200 and response.json().get("maKetQua") == "200":
            self.pending.append(response.json()["maGiaoDich"])

    def send(self, episode, resend_rejected: bool = True) -> dict:
        """Send the HOSO and wait for its verdict; a rejected one is resent (corrected) once or twice."""
        form = self._signed_form(envelope(self.facility, [episode.documents()]), "130")
        result: dict = {}
        for _ in range(3):
            response = self._post("/api/qd130/guiHoSoXmlQD3176", form)
            if response.status_code != 200 or response.json().get("maKetQua") != "200":
                self.log.append(f"not acknowledged: {response.status_code} {response.text[:120]}")
                return {}
            result = self.wait(response.json()["maGiaoDich"])
            states = [h["trangThai"] for h in result.get("dsHoSo", [])]
            if states == ["HOP_LE"] or not resend_rejected:
                break
            self.log.append(f"rejected, resending: {[e['maLoi'] for h in result['dsHoSo'] for e in h['dsLoi']][:5]}")
        return result

    def wait(self, transaction: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.http.get("/api/qd130/ketQuaTiepNhan", params={"maGiaoDich": transaction}, headers=self.headers)
            body = response.json()
            if body.get("maLoi") in ("4012", "4013"):
                self.take_token()
                continue
            if body.get("trangThai") == "DA_XU_LY":
                return body
            time.sleep(self.poll_seconds)
        raise TimeoutError(transaction)

    # --- a whole certification session ----------------------------------------------------------
    def run_session(self, software: str = "HIS tham chiếu", vendor: str = "skdt-sandbox", version: str = "1.0") -> dict:
        """Open a session, do everything the suite asks, close it; the report and certificate."""
        self.take_token()
        opened = self.http.post("/conformance/api/sessions", headers=self.headers,
                                json={"software": software, "vendor": vendor, "version": version, "profile": "QD3176"})
        assert opened.status_code == 201, opened.text
        session_id = opened.json()["id"]
        self.work(session_id)
        closed = self.http.post(f"/conformance/api/sessions/{session_id}/close", headers=self.headers).json()
        report = self.http.get(f"/conformance/api/sessions/{session_id}/report", headers=self.headers).json()
        return {"session": session_id, "closed": closed, "report": report}

    def work(self, session_id: str, attest: bool = True) -> None:
        """What the HIS does while the session is open (opened on the portal or by run_session)."""
        if not self.headers:
            self.take_token()
        now = datetime.now(VN_TZ).replace(tzinfo=None)
        episodes = {}
        for i, (form, kwargs) in enumerate(PLAN):
            episode = self._episode(i, form, kwargs, now)
            episodes[form] = episode
            if "no_card_check" not in self.defects:
                self.card_check(episode)
                if "no_history" not in self.defects:
                    self.history(episode)
            if i == 0:
                self.copayment(episode)
            if "no_checkin" not in self.defects:
                self.check_in(episode)
            self.send(episode, resend_rejected=True)
        if "no_replacement" not in self.defects:   # a correction after the first sending: same MA_LK
            corrected = episodes["ngoai_tru"]
            corrected.tables["XML1"][0]["LY_DO_VV"] = "Tái khám định kỳ (đã sửa)"
            self.send(corrected)
        if "duplicate_loop" in self.defects:
            for _ in range(3):
                self.send(episodes["linh_thuoc"], resend_rejected=False)
        while self.pending:   # a careful HIS reads every result (the session is judged on processed calls)
            self.wait(self.pending.pop())
        if attest and "no_attestation" not in self.defects:
            for check_id, statement in ATTESTATIONS.items():
                self.http.post(f"/conformance/api/sessions/{session_id}/attestations", headers=self.headers,
                               json={"checkId": check_id, "attestedBy": "Trưởng phòng CNTT", "statement": statement})


def main() -> None:
    import argparse
    from pathlib import Path
    parser = argparse.ArgumentParser(description="Run the reference HIS through a certification session")
    parser.add_argument("base_url")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.add_argument("--key", required=True, type=Path)
    parser.add_argument("--cert", required=True, type=Path)
    parser.add_argument("--defect", action="append", default=[], choices=sorted(DEFECTS | VARIANTS))
    args = parser.parse_args()
    facility = args.username.split("_")[0]
    his = ReferenceHis(args.base_url, args.username, args.password, facility,
                       Credential(args.key.read_bytes(), args.cert.read_bytes()), defects=frozenset(args.defect))
    started = time.perf_counter()
    out = his.run_session()
    report = out["report"]
    print(f"{report['outcomeVi']} ({report['outcome']}) in {time.perf_counter() - started:.1f} s · "
          f"certificate {out['closed'].get('certificate', {}) and out['closed']['certificate']['id']}")
    for c in report["checks"]:
        print(f"  {c['id']:12s} {c['outcome']:5s} {c['message'][:100]}")


if __name__ == "__main__":
    main()
