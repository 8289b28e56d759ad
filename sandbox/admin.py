"""Administration operations for Sở Y tế / BHXH tỉnh, shared by the CLI and the admin API.

Every function takes the runtime context, does one unit of work and returns plain dicts.
"""

from __future__ import annotations

from sqlalchemy import select

from .clock import as_utc, format_offset, parse_offset
from .context import Context
from .errors import InvalidInputError
from .storage import registry
from .storage.models import Account, Certificate, Facility


def facility_dict(f: Facility) -> dict:
    from .reference import units
    return {"code": f.code, "name": f.name, "provinceCode": f.province_code,
            "province": units.provinces_2025().get(f.province_code, ("", ()))[0],
            "communeCode": f.commune_code, "commune": units.commune_name(f.commune_code, units.REFORM),
            "formerProvinceCode": units.former_province_of(f.commune_code) or f.code[:2],
            "districtCode": f.district_code, "status": f.status}


def account_dict(a: Account) -> dict:
    return {"username": a.username, "facility": a.facility_code, "fullName": a.full_name, "kind": a.kind,
            "active": a.active, "locked": a.locked_until is not None,
            "lockedUntil": as_utc(a.locked_until).isoformat() if a.locked_until else None,
            "allowedIps": [ip for ip in a.allowed_ips.split(",") if ip],
            "rehearseAsOf": a.rehearse_as_of.isoformat() if a.rehearse_as_of else None}


def certificate_dict(c: Certificate, now=None) -> dict:
    state = "revoked" if c.revoked_at else "valid"
    if not c.revoked_at and now is not None:
        if as_utc(c.not_after) < now:
            state = "expired"
        elif as_utc(c.not_before) > now:
            state = "not_yet_valid"
    return {"facility": c.facility_code, "fingerprint": c.fingerprint, "subject": c.subject,
            "issuer": c.issuer, "serial": c.serial, "notBefore": as_utc(c.not_before).isoformat(),
            "notAfter": as_utc(c.not_after).isoformat(), "state": state,
            "revokedAt": as_utc(c.revoked_at).isoformat() if c.revoked_at else None,
            "revocationReason": c.revocation_reason}


# --- facilities --------------------------------------------------------------------------------
def add_facility(ctx: Context, code: str, name: str, district_code: str = "", commune_code: str = "") -> dict:
    """A facility of today's map: ``commune_code`` a 2025 commune of its province (checked),
    ``district_code`` its district before 01/07/2025 (kept for reports of that time)."""
    from .reference import units
    from .reference.facilities import current_province
    commune_code = (commune_code or "").strip()
    if commune_code:
        unit = units.communes_2025().get(commune_code)
        if unit is None or unit.province_code != current_province(code.strip()):
            raise InvalidInputError(f"mã xã {commune_code} không phải xã, phường (từ 01/07/2025) của tỉnh "
                                    f"{current_province(code.strip())}",
                                    f"commune {commune_code} is not a 2025 commune of the facility's province")
    with ctx.db.session() as s:
        facility = registry.add_facility(s, code.strip(), name, ctx.clock.now())
        facility.district_code = district_code.strip()[:3]
        facility.commune_code = commune_code
        return facility_dict(facility)


def set_facility_status(ctx: Context, code: str, status: str) -> dict:
    with ctx.db.session() as s:
        return facility_dict(registry.set_facility_status(s, code, status))


def list_facilities(ctx: Context, province: str | None = None) -> list[dict]:
    with ctx.db.read() as s:
        return [facility_dict(f) for f in registry.list_facilities(s, province)]


def seed_facilities(ctx: Context, *, kon_tum: bool = False) -> int:
    """The 79 facilities of the Ninh Thuận plan (and, with ``kon_tum``, the illustrative former Kon Tum
    ones), in the province of today's map with their district before and commune after 01/07/2025."""
    from .reference.facilities import kon_tum_facilities, ninh_thuan_facilities
    added = 0
    with ctx.db.session() as s:
        for seed in ninh_thuan_facilities() + (kon_tum_facilities() if kon_tum else []):
            existing = s.get(Facility, seed.code)
            if existing is None:
                existing = registry.add_facility(s, seed.code, seed.name, ctx.clock.now())
                added += 1
            existing.district_code = existing.district_code or seed.district_code
            existing.commune_code = existing.commune_code or seed.commune_code
    return added


# --- accounts ----------------------------------------------------------------------------------
def add_account(ctx: Context, username: str, facility: str, password: str, full_name: str = "",
                allowed_ips=None) -> dict:
    with ctx.db.session() as s:
        account = registry.add_account(s, username.strip(), facility.strip(), password, ctx.clock.now(),
                                       iterations=ctx.settings.password_hash_iterations,
                                       full_name=full_name, allowed_ips=allowed_ips)
        return account_dict(account)


def update_account(ctx: Context, username: str, *, active: bool | None = None, unlock: bool = False,
                   allowed_ips=None, password: str | None = None, rehearse_as_of=False) -> dict:
    """``rehearse_as_of``: a yyyy-mm-dd date (rehearse the regulation calendar as of then), None or "" to
    stop rehearsing, False to leave it as it is."""
    from .security import hash_credential, md5_upper
    with ctx.db.session() as s:
        account = registry.require_account(s, username)
        if active is not None:
            account.active = active
        if unlock:
            account.locked_until = None
            account.failed_logins = 0
            from sqlalchemy import delete
            from .storage.models import LoginThrottle
            s.execute(delete(LoginThrottle).where(LoginThrottle.key.like(f"gateway|{username}|%")))
        if allowed_ips is not None:
            account.allowed_ips = registry.parse_ip_list(allowed_ips)
        if rehearse_as_of is not False:
            account.rehearse_as_of = _rehearsal_date(rehearse_as_of)
        if password is not None:
            if len(password) < 8:
                raise InvalidInputError("mật khẩu cần tối thiểu 8 ký tự", "password needs at least 8 characters")
            account.password_hash = hash_credential(md5_upper(password), ctx.settings.password_hash_iterations)
        return account_dict(account)


def _rehearsal_date(value):
    from datetime import date
    from .reference.calendar import UnknownDate, check_known
    if not value:
        return None
    try:
        return check_known(date.fromisoformat(str(value)[:10]))
    except ValueError as exc:
        if isinstance(exc, UnknownDate):
            raise InvalidInputError(exc.args[0], exc.args[1]) from None
        raise InvalidInputError("rehearseAsOf theo dạng yyyy-mm-dd", "rehearseAsOf as yyyy-mm-dd") from None


def list_accounts(ctx: Context, facility: str | None = None) -> list[dict]:
    with ctx.db.read() as s:
        return [account_dict(a) for a in registry.list_accounts(s, facility)]


# --- certificates ------------------------------------------------------------------------------
def add_certificate(ctx: Context, facility: str, pem: bytes | str) -> dict:
    with ctx.db.session() as s:
        return certificate_dict(registry.add_certificate(s, facility, pem, ctx.clock.now()), ctx.clock.now())


def revoke_certificate(ctx: Context, fingerprint: str, reason: str = "", facility: str | None = None) -> list[dict]:
    with ctx.db.session() as s:
        now = ctx.clock.now()
        return [certificate_dict(c, now) for c in registry.revoke_certificate(s, fingerprint, now, reason, facility)]


def list_certificates(ctx: Context, facility: str | None = None) -> list[dict]:
    with ctx.db.read() as s:
        now = ctx.clock.now()
        return [certificate_dict(c, now) for c in registry.find_certificates(s, facility_code=facility)]


# --- clock -------------------------------------------------------------------------------------
def clock_state(ctx: Context) -> dict:
    return {"offset": format_offset(ctx.clock.offset()), "offsetSeconds": ctx.clock.offset().total_seconds(),
            "now": ctx.clock.now().isoformat(timespec="seconds")}


def set_clock(ctx: Context, offset: str) -> dict:
    try:
        delta = parse_offset(offset)
    except ValueError as exc:
        raise InvalidInputError("độ lệch dạng +36h, -2d, 90m hoặc 0, trong vòng 100 năm", str(exc)) from exc
    ctx.clock.set_offset(delta)
    return clock_state(ctx)


def readiness(ctx: Context) -> list[dict]:
    """Per facility: accounts, valid certificates and submission counts (Sở Y tế overview)."""
    from sqlalchemy import func
    from .storage.models import Episode, Submission
    now = ctx.clock.now()
    with ctx.db.read() as s:
        accounts = dict(s.execute(select(Account.facility_code, func.count()).group_by(Account.facility_code)).all())
        certs: dict[str, int] = {}
        for c in s.scalars(select(Certificate)):
            if c.revoked_at is None and as_utc(c.not_before) <= now <= as_utc(c.not_after):
                certs[c.facility_code] = certs.get(c.facility_code, 0) + 1
        subs = dict(s.execute(select(Submission.facility_code, func.count()).group_by(Submission.facility_code)).all())
        accepted = dict(s.execute(select(Episode.facility_code, func.count())
                                  .where(Episode.status == "HOP_LE").group_by(Episode.facility_code)).all())
        out = []
        for f in registry.list_facilities(s):
            out.append({**facility_dict(f), "accounts": accounts.get(f.code, 0),
                        "validCertificates": certs.get(f.code, 0), "submissions": subs.get(f.code, 0),
                        "acceptedEpisodes": accepted.get(f.code, 0)})
        return out


# --- people registries (staff, departments, citizens, cards) ------------------------------------
def load_registry(ctx: Context, kind: str, data: bytes | str | list, filename: str = "") -> dict:
    """Rows as a list of dicts (API JSON, demo) or a CSV/JSON file's content."""
    from .storage import people
    rows = people.normalise_rows(data) if isinstance(data, list) else people.parse_rows(kind, data, filename)
    if not rows:
        raise InvalidInputError("không có dòng nào để nạp (CSV: dòng tiêu đề rồi các dòng dữ liệu)",
                                "no rows to load (CSV: a header line, then the rows)")
    with ctx.db.session() as s:
        count = people.load(s, kind, rows)
    return {"kind": kind, "loaded": count}


def list_registry(ctx: Context, kind: str, facility: str | None = None, limit: int = 500) -> list[dict]:
    from .storage import people
    if kind not in people.KINDS:
        raise InvalidInputError(f"loại danh mục phải là một trong {', '.join(people.KINDS)}", f"kind must be one of {people.KINDS}")
    model = people.MODELS[kind]
    with ctx.db.read() as s:
        query = select(model).limit(limit)
        if facility and hasattr(model, "facility_code"):
            query = query.where(model.facility_code == facility)
        return [{f: getattr(row, f) for f in people.FIELDS[kind]} for row in s.scalars(query)]


# --- VNeID accounts and the 24-hour display report ------------------------------------------------
def add_vneid_account(ctx: Context, personal_id: str, password: str, passcode: str) -> dict:
    from .health_book import vneid
    vneid.create_account(ctx, personal_id, password, passcode)
    return {"soDinhDanh": personal_id, "taoTaiKhoan": True}


def display_report(ctx: Context) -> list[dict]:
    from .health_book.display import report
    with ctx.db.read() as s:
        counts = report(s, ctx.clock.now())
    return [{"maCSKCB": facility, "choHienThi": c.pending, "daHienThi": c.shown, "quaHan24h": c.overdue,
             "hienThiTre": c.shown_late} for facility, c in counts.items()]


def queue(ctx: Context, since=None, prefix: str = "") -> dict:
    """Submissions by state (received at or after ``since``), and how long the oldest unprocessed one has waited."""
    from sqlalchemy import func
    from .storage.models import Submission
    with ctx.db.read() as s:
        query = select(Submission.status, func.count(), func.min(Submission.received_at)).group_by(Submission.status)
        if since is not None:
            query = query.where(Submission.received_at >= as_utc(since))
        rows = {status: (n, oldest) for status, n, oldest in s.execute(query)}
    waiting = [oldest for status, (_, oldest) in rows.items() if status != "DA_XU_LY" and oldest is not None]
    out = {"received": rows.get("DA_TIEP_NHAN", (0, None))[0], "processing": rows.get("DANG_XU_LY", (0, None))[0],
           "processed": rows.get("DA_XU_LY", (0, None))[0],
           "oldestWaitingSeconds": round((ctx.clock.now() - as_utc(min(waiting))).total_seconds(), 1) if waiting else None}
    if prefix:
        out["verdicts"] = verdicts(ctx, since, prefix)
    return out


def verdicts(ctx: Context, since, prefix: str) -> dict:
    """The verdicts on the records (HOSO, check-in rows) whose MA_LK starts with ``prefix``, of the
    submissions received since ``since``: how many are HOP_LE, how many not, and their first error codes —
    what a load run judges itself by (a run that measured refusals has not measured acceptance)."""
    from .storage.models import Submission
    counts = {"records": 0, "HOP_LE": 0, "KHONG_HOP_LE": 0, "errors": {}}
    with ctx.db.read() as s:
        query = select(Submission.records, Submission.findings).where(Submission.status == "DA_XU_LY")
        if since is not None:
            query = query.where(Submission.received_at >= as_utc(since))
        for records, envelope in s.execute(query.execution_options(yield_per=500)):
            for record in records or []:
                if not str(record.get("maLk", "")).startswith(prefix):
                    continue
                counts["records"] += 1
                state = "HOP_LE" if record.get("trangThai") == "HOP_LE" else "KHONG_HOP_LE"
                counts[state] += 1
                if state == "KHONG_HOP_LE":
                    errors = [f["code"] for f in list(record.get("findings") or []) + list(envelope or [])
                              if f.get("severity") != "CANH_BAO"]
                    code = errors[0] if errors else "?"
                    counts["errors"][code] = counts["errors"].get(code, 0) + 1
    return counts
