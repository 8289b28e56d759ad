"""The seven steps of connecting a facility (QĐ 2733/QĐ-BYT PL01 Đ5, as the Kon Tum plan §III–IV.1 sets
them out with deadlines): the two the province decides on request — a code from the Sở Y tế (step 1), a
gateway account from BHXH (step 2) — and the five that follow from what the facility does, read from the
sandbox's own records.  Every request and decision is kept with who and when (storage/onboarding.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select

from sandbox.clock import VN_TZ, as_utc
from sandbox.context import Context
from sandbox.errors import AuthorisationError, ConflictError, InvalidInputError, NotFoundError, SandboxError
from sandbox.reference import units
from sandbox.result_codes import ResultCode as RC
from sandbox.storage import registry
from sandbox.storage.models import (Account, CardCheck, Certificate, Episode, Facility, HealthBookEntry,
                                    IssuedCertificate, Submission)
from sandbox.storage.onboarding import OnboardingRequest

from . import permissions
from .users import ProvinceCaller

SOURCE = "QĐ 2733/QĐ-BYT PL01 Đ5; thời hạn theo Kế hoạch thí điểm tỉnh Kon Tum 2024 mục III, IV.1"
PENDING_PER_ADDRESS = 5


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    who: str
    deadline: date
    evidence: str


STEPS = (
    Step(1, "Đăng ký mã cơ sở KCB (mã liên thông dữ liệu)", "Cơ sở đề nghị, Sở Y tế cấp", date(2024, 12, 15),
         "cơ sở có mã trong danh mục"),
    Step(2, "Đăng ký tài khoản liên thông", "Cơ sở đề nghị, BHXH cấp", date(2024, 12, 31),
         "có tài khoản cổng tiếp nhận"),
    Step(3, "Cấu hình liên thông dữ liệu", "Cơ sở", date(2024, 12, 31),
         "đã đăng ký chứng thư số còn hiệu lực và phần mềm HIS được chứng nhận"),
    Step(4, "Tiếp nhận KCB bằng số thẻ BHYT, thẻ căn cước, số định danh", "Cơ sở", date(2025, 4, 30),
         "đã tra cứu thẻ khi tiếp đón"),
    Step(5, "Ghi nhận thông tin khám chữa bệnh", "Cơ sở", date(2025, 4, 30), "đã gửi check-in"),
    Step(6, "Ký số và liên thông dữ liệu", "Cơ sở", date(2025, 4, 30), "có hồ sơ ký số được chấp nhận"),
    Step(7, "Chia sẻ dữ liệu hiển thị trên VNeID", "BHXH", date(2025, 4, 30),
         "có lượt khám hiển thị trên VNeID trong 24 giờ"),
)


@dataclass(frozen=True)
class Progress:
    done: tuple[bool, ...]          # per step
    current: int                    # the first step not done (8: all done)
    late: bool                      # the current step's deadline has passed

    @property
    def step(self) -> Step | None:
        return STEPS[self.current - 1] if self.current <= len(STEPS) else None

    def as_json(self) -> dict:
        step = self.step
        return {"done": list(self.done), "current": self.current, "late": self.late,
                "title": step.title if step else "Hoàn thành 7 bước",
                "deadline": step.deadline.isoformat() if step else None}


def progress(ctx: Context, codes: list[str]) -> dict[str, Progress]:
    """Each facility's steps, from one query per kind of evidence (indexed by facility)."""
    if not codes:
        return {}
    now = ctx.clock.now()
    today = now.astimezone(VN_TZ).date()
    F = Facility
    with ctx.db.read() as s:
        has = lambda cond: exists().where(cond)  # noqa: E731
        rows = s.execute(select(
            F.code,
            has(Account.facility_code == F.code),
            has((Certificate.facility_code == F.code) & Certificate.revoked_at.is_(None) & (Certificate.not_after > now)),
            has((IssuedCertificate.facility_code == F.code) & IssuedCertificate.revoked_at.is_(None)
                & (IssuedCertificate.expires_at > now)),
            has(CardCheck.facility_code == F.code),
            has((Submission.facility_code == F.code) & (Submission.kind == "CHECKIN")),
            has((Episode.facility_code == F.code) & (Episode.status == "HOP_LE")),
            has((HealthBookEntry.facility_code == F.code) & (HealthBookEntry.visible_at <= now)
                & (HealthBookEntry.delay_seconds <= 24 * 3600)),
        ).where(F.code.in_(codes))).all()
    out = {}
    for code, account, certificate, certified, checked, checkin, accepted, shown in rows:
        done = (True, bool(account), bool(certificate and certified), bool(checked), bool(checkin), bool(accepted),
                bool(shown))
        current = next((i + 1 for i, d in enumerate(done) if not d), len(STEPS) + 1)
        late = current <= len(STEPS) and today > STEPS[current - 1].deadline
        out[code] = Progress(done, current, late)
    return out


# --- requests --------------------------------------------------------------------------------------
def _dict(r: OnboardingRequest, *, private: bool = True) -> dict:
    out = {"reference": r.reference, "kind": r.kind, "kindVi": "Cấp mã cơ sở KCB" if r.kind == "code" else
           "Cấp tài khoản liên thông", "province": r.province_code, "facilityCode": r.facility_code,
           "facilityName": r.facility_name, "commune": units.commune_name(r.commune_code, units.REFORM),
           "state": r.state, "stateVi": {"pending": "Đang chờ", "approved": "Đã chấp thuận",
                                          "refused": "Không chấp thuận"}[r.state],
           "requestedAt": as_utc(r.requested_at).isoformat(timespec="seconds"),
           "decidedAt": as_utc(r.decided_at).isoformat(timespec="seconds") if r.decided_at else None,
           "reason": r.reason}
    if private:         # the province's users see who asked and who decided; the public status page does not
        out.update({"id": r.id, "contact": r.contact, "letter": r.letter, "decidedBy": r.decided_by,
                    "username": r.username})
    return out


def _text(value: str, name_vi: str, name_en: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInputError(f"thiếu {name_vi}", f"{name_en} is missing")
    if len(value) > limit:
        raise InvalidInputError(f"{name_vi} tối đa {limit} ký tự", f"{name_en}: at most {limit} characters")
    return value


def _new(ctx: Context, kind: str, province: str, client_ip: str | None, **fields) -> dict:
    now = ctx.clock.now()
    with ctx.db.session() as s:
        pending = s.scalar(select(func.count()).select_from(OnboardingRequest).where(
            OnboardingRequest.client_ip == (client_ip or ""), OnboardingRequest.state == "pending"))
        if pending >= PENDING_PER_ADDRESS:
            raise SandboxError(f"tối đa {PENDING_PER_ADDRESS} đề nghị đang chờ", f"at most {PENDING_PER_ADDRESS} pending",
                               code=RC.ONBOARDING_LIMIT)
        day = now.astimezone(VN_TZ).strftime("%Y%m%d")
        count = s.scalar(select(func.count()).select_from(OnboardingRequest).where(
            OnboardingRequest.reference.like(f"YC-{province}-{day}-%")))
        request = OnboardingRequest(reference=f"YC-{province}-{day}-{count + 1:04d}", kind=kind, province_code=province,
                                    requested_at=now, client_ip=client_ip or "", state="pending", decided_by="",
                                    reason="", username="", **fields)
        s.add(request)
        s.flush()
        return _dict(request, private=False)


def request_code(ctx: Context, name: str, province: str, commune: str, contact: str, letter: str = "",
                 client_ip: str | None = None) -> dict:
    """Step 1: a facility without a code asks the Sở Y tế of its province (QĐ 384/QĐ-BYT)."""
    name = _text(name, "tên cơ sở", "facility name", 255)
    contact = _text(contact, "người liên hệ, điện thoại hoặc thư điện tử", "contact", 255)
    if province not in units.provinces_2025():
        raise InvalidInputError("chọn một trong 34 tỉnh, thành phố", "choose one of the 34 provinces")
    unit = units.communes_2025().get((commune or "").strip())
    if unit is None or unit.province_code != province:
        raise InvalidInputError("chọn xã, phường của tỉnh (đơn vị hành chính từ 01/07/2025)",
                                "choose a commune of the province (2025 units)")
    return _new(ctx, "code", province, client_ip, facility_name=name, commune_code=unit.code, contact=contact,
                letter=_text(letter, "nội dung đề nghị", "letter", 4000, required=False), facility_code="")


def request_account(ctx: Context, facility_code: str, contact: str, letter: str = "",
                    client_ip: str | None = None) -> dict:
    """Step 2: a facility with a code asks BHXH for a gateway account."""
    contact = _text(contact, "người liên hệ, điện thoại hoặc thư điện tử", "contact", 255)
    with ctx.db.read() as s:
        facility = s.get(Facility, (facility_code or "").strip())
        if facility is None:
            raise NotFoundError(f"không có cơ sở mã {facility_code}: đề nghị Sở Y tế cấp mã trước (bước 1)",
                                f"no facility {facility_code}: ask the Sở Y tế for a code first (step 1)")
        if s.scalar(select(func.count()).select_from(OnboardingRequest).where(
                OnboardingRequest.facility_code == facility.code, OnboardingRequest.kind == "account",
                OnboardingRequest.state == "pending")):
            raise ConflictError(f"cơ sở {facility.code} đã có đề nghị cấp tài khoản đang chờ",
                                f"facility {facility.code} already has a pending account request")
    return _new(ctx, "account", facility.province_code, client_ip, facility_code=facility.code,
                facility_name=facility.name, commune_code=facility.commune_code, contact=contact,
                letter=_text(letter, "nội dung đề nghị", "letter", 4000, required=False))


def status(ctx: Context, reference: str) -> dict:
    """What the requester may read back by the request's number: its state and the code given."""
    with ctx.db.read() as s:
        r = s.scalars(select(OnboardingRequest).where(OnboardingRequest.reference == (reference or "").strip()[:24])).first()
        if r is None:
            raise NotFoundError("không có đề nghị số này", "no request with this number")
        return _dict(r, private=False)


def requests(ctx: Context, who: ProvinceCaller) -> list[dict]:
    with ctx.db.read() as s:
        found = s.scalars(select(OnboardingRequest).where(OnboardingRequest.province_code == who.province_code)
                          .order_by(OnboardingRequest.state != "pending", OnboardingRequest.requested_at.desc())
                          .limit(500))
        return [_dict(r) for r in found]


def decide(ctx: Context, who: ProvinceCaller, request_id: int, approve: bool, reason: str = "") -> dict:
    """The Sở Y tế decides on a code, BHXH on an account; approving a code creates the facility under the
    next free code of the province (QĐ 384 shape), approving an account creates it with a first password,
    shown once in the answer for BHXH to hand to the facility."""
    reason = _text(reason, "lý do không chấp thuận", "reason", 2000, required=not approve)
    with ctx.db.session() as s:
        r = s.get(OnboardingRequest, request_id) if 0 < request_id < 2 ** 31 else None   # no overflow in the query
        if r is None or r.province_code != who.province_code:
            raise AuthorisationError("đề nghị không thuộc tỉnh bạn quản lý", "the request is not of your province",
                                     code=RC.PROVINCE_SCOPE)
        permissions.require(who, "approve_code" if r.kind == "code" else "approve_account")
        if r.state != "pending":
            raise ConflictError(f"đề nghị {r.reference} đã được giải quyết", f"request {r.reference} was decided")
        now = ctx.clock.now()
        password = None
        if approve and r.kind == "code":
            r.facility_code = _next_code(s, r.province_code)
            facility = registry.add_facility(s, r.facility_code, r.facility_name, now)
            facility.commune_code = r.commune_code
        elif approve:
            password = _first_password()
            r.username = _free_username(s, r.facility_code)
            registry.add_account(s, r.username, r.facility_code, password, now,
                                 iterations=ctx.settings.password_hash_iterations, full_name=r.contact[:255])
        r.state, r.decided_by, r.decided_at, r.reason = ("approved" if approve else "refused"), who.username, now, reason
        out = _dict(r)
        action = "approve_code" if r.kind == "code" else "approve_account"
    permissions.decided(ctx, who, action, out.get("reference", str(request_id)), approved=approve)
    if password:
        out["firstPassword"] = password
    return out


def _next_code(s, province: str) -> str:
    taken = set(s.scalars(select(Facility.code).where(Facility.code.like(f"{province}%"))))
    for n in range(1, 1000):
        if f"{province}{n:03d}" not in taken:
            return f"{province}{n:03d}"
    raise ConflictError(f"hết mã cơ sở của tỉnh {province}", f"no facility code left in province {province}")


def _free_username(s, facility_code: str) -> str:
    taken = set(s.scalars(select(Account.username).where(Account.username.like(f"{facility_code}_BV%"))))
    return next(name for name in (f"{facility_code}_BV", *(f"{facility_code}_BV{i}" for i in range(2, 100)))
                if name not in taken)


def _first_password() -> str:
    """12 characters, letters, digits and a sign: passes any HIS's policy, read out or typed easily."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10)) + "@" + secrets.choice("23456789")
