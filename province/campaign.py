"""The integration campaign of the Ninh Thuận seed plan (KH 11/2024): per place,
level-2 electronic identification accounts, BHYT cards integrated in VNeID and health books
activated, against targets loaded from a CSV (by district and commune of before 01/07/2025, the units the
plan was written in); a report whose period ends before 01/07/2025 groups by district then commune, a later
one by former province (for a merged province) then commune of the 2025 units, the targets summed the same way; the daily (before 16:00), weekly (before 14:00 on
Wednesday) and end-of-campaign reports, and which of them are due, late or filed.

What is counted comes from the VNeID simulator: a level-2 account is a citizen of level 2 with a
VNeID account; a card is integrated when it is in the citizen's wallet (``linked_at``); a book is
activated when the citizen confirmed the notice (``book_consent_at``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, select

from sandbox.clock import VN_TZ, as_utc
from sandbox.context import Context
from sandbox.errors import InvalidInputError
from sandbox.reference import units
from sandbox.reference.facilities import districts
from sandbox.storage.models import CampaignTarget, Citizen, ReportFiling, VneidAccount, WalletCard

from . import permissions
from . import settings as province_settings
from sandbox.tables import Table, read_csv
from .users import ProvinceCaller

INDICATORS = {"level2": "Tài khoản định danh điện tử mức 2", "card": "Thẻ BHYT tích hợp trên VNeID",
              "book": "Sổ sức khỏe điện tử đã kích hoạt"}
PLAN_TOTALS = {"58": 382_171}     # KH Ninh Thuận 11/2024 mục II: the target for each indicator, by former province
DAILY_DUE, WEEKLY_DUE = time(16, 0), time(14, 0)   # KH mục III.2.d: daily before 16:00, weekly before 14:00 Wednesday
FINAL_GRACE_DAYS = 3              # end-of-campaign report: the plan gives no date; 3 days after the end (UNCONFIRMED)
KINDS = {"daily": "Báo cáo ngày", "weekly": "Báo cáo tuần", "final": "Báo cáo kết thúc chiến dịch"}
TEMPLATE = "ma_huyen,xa_phuong,chi_tieu,so_luong\n582,,level2,100000\n582,Kinh Dinh,card,8000\n"


def province_districts(province_code: str) -> dict:
    """The districts of before 01/07/2025 in the province of today (of each former province it took in)."""
    return districts(province_code)


# --- targets ---------------------------------------------------------------------------------------
def load_targets(ctx: Context, who: ProvinceCaller, data: bytes | str) -> dict:
    """Replace the province's targets with the CSV's (all or nothing; see TEMPLATE)."""
    permissions.require(who, "targets")
    reader = read_csv(data)
    known = province_districts(who.province_code)
    rows, seen = [], set()
    for i, row in enumerate(reader, start=2):
        if set(row) - {"ma_huyen", "xa_phuong", "chi_tieu", "so_luong"} or None in row:
            raise InvalidInputError("cột phải là ma_huyen,xa_phuong,chi_tieu,so_luong", "columns: ma_huyen,xa_phuong,chi_tieu,so_luong")
        district, commune = (row.get("ma_huyen") or "").strip(), (row.get("xa_phuong") or "").strip()
        indicator, number = (row.get("chi_tieu") or "").strip(), (row.get("so_luong") or "").strip()
        if district not in known:
            raise InvalidInputError(f"dòng {i}: mã huyện {district} không thuộc tỉnh", f"row {i}: district {district} unknown")
        if commune and commune not in known[district].communes:
            raise InvalidInputError(f"dòng {i}: {commune} không thuộc {known[district].name}", f"row {i}: commune unknown")
        if indicator not in INDICATORS:
            raise InvalidInputError(f"dòng {i}: chi_tieu là level2, card hoặc book", f"row {i}: indicator level2|card|book")
        if not number.isdigit() or len(number) > 9:
            raise InvalidInputError(f"dòng {i}: so_luong là số nguyên không âm", f"row {i}: so_luong must be a whole number")
        if (district, commune, indicator) in seen:
            raise InvalidInputError(f"dòng {i}: trùng chỉ tiêu", f"row {i}: duplicate target")
        seen.add((district, commune, indicator))
        rows.append(CampaignTarget(province_code=who.province_code, district_code=district, commune=commune,
                                   indicator=indicator, target=int(number)))
    if not rows:
        raise InvalidInputError("tệp không có dòng chỉ tiêu nào", "no targets in the file")
    with ctx.db.session() as s:
        s.execute(delete(CampaignTarget).where(CampaignTarget.province_code == who.province_code))
        s.add_all(rows)
    permissions.decided(ctx, who, "targets", who.province_code, rows=len(rows))
    return {"loaded": len(rows)}


# --- counts ----------------------------------------------------------------------------------------
def _counts(s, province_code: str, until: datetime, since: datetime | None) -> dict[tuple, dict[str, int]]:
    """(district, commune) → indicator → count as of ``until`` (and the increase since ``since``)."""
    codes = list(province_districts(province_code))
    place = (Citizen.district_code, Citizen.commune)
    out: dict[tuple, dict[str, int]] = {}

    def add(key, name, n):
        out.setdefault(key, {}).setdefault(name, 0)
        out[key][name] += int(n or 0)

    for d, c, n in s.execute(select(*place, func.count()).join(VneidAccount, VneidAccount.personal_id == Citizen.personal_id)
                             .where(Citizen.district_code.in_(codes), Citizen.vneid_level == 2).group_by(*place)):
        add((d, c), "level2", n)
    for d, c, n in s.execute(select(*place, func.count(func.distinct(WalletCard.personal_id)))
                             .join(WalletCard, WalletCard.personal_id == Citizen.personal_id)
                             .where(Citizen.district_code.in_(codes), WalletCard.linked_at <= until).group_by(*place)):
        add((d, c), "card", n)
    for d, c, n in s.execute(select(*place, func.count()).join(VneidAccount, VneidAccount.personal_id == Citizen.personal_id)
                             .where(Citizen.district_code.in_(codes), VneidAccount.book_consent_at <= until).group_by(*place)):
        add((d, c), "book", n)
    if since is not None:
        for d, c, n in s.execute(select(*place, func.count(func.distinct(WalletCard.personal_id)))
                                 .join(WalletCard, WalletCard.personal_id == Citizen.personal_id)
                                 .where(Citizen.district_code.in_(codes), WalletCard.linked_at > since,
                                        WalletCard.linked_at <= until).group_by(*place)):
            add((d, c), "card_new", n)
        for d, c, n in s.execute(select(*place, func.count()).join(VneidAccount, VneidAccount.personal_id == Citizen.personal_id)
                                 .where(Citizen.district_code.in_(codes), VneidAccount.book_consent_at > since,
                                        VneidAccount.book_consent_at <= until).group_by(*place)):
            add((d, c), "book_new", n)
    return out


@dataclass(frozen=True)
class Period:
    kind: str
    label: str            # 2024-12-05 | 2024-W49 | final
    since: datetime | None
    until: datetime
    due: datetime

    @property
    def label_vi(self) -> str:
        """As a title says it: "ngày 06/12/2026", "tuần 49 năm 2024" ("" for the final report)."""
        if self.kind == "final":
            return ""
        if "-W" in self.label:
            year, week = self.label.split("-W")
            return f"tuần {int(week)} năm {year}"
        return f"ngày {self.label[8:10]}/{self.label[5:7]}/{self.label[:4]}"

    @property
    def opens(self) -> datetime | None:
        """From when the report can be made: the end of the campaign for the final report."""
        return self.until if self.kind == "final" else self.since


def _at(day: date, t: time) -> datetime:
    return datetime.combine(day, t, VN_TZ)


def period(ctx: Context, who: ProvinceCaller, kind: str, label: str | None = None) -> Period:
    cfg = province_settings.get(ctx, who.province_code)
    today = ctx.clock.now().astimezone(VN_TZ).date()
    if kind == "daily":
        day = _parse_day(label) if label else today
        return Period(kind, day.isoformat(), _at(day - timedelta(days=1), DAILY_DUE), _at(day, DAILY_DUE), _at(day, DAILY_DUE))
    if kind == "weekly":
        if label:
            try:
                wednesday = date.fromisocalendar(int(label[:4]), int(label[6:]), 3)
            except (ValueError, IndexError):
                raise InvalidInputError("tuần dạng 2024-W49", "week as 2024-W49") from None
        else:
            wednesday = today + timedelta(days=(2 - today.weekday()) % 7)
        iso = wednesday.isocalendar()
        due = _at(wednesday, WEEKLY_DUE)
        return Period(kind, f"{iso[0]}-W{iso[1]:02d}", due - timedelta(days=7), due, due)
    if kind == "final":
        if not cfg.campaign_end:
            raise InvalidInputError("chưa đặt ngày kết thúc chiến dịch (thiết lập)", "set the campaign's end date first")
        end = _parse_day(cfg.campaign_end)
        start = _parse_day(cfg.campaign_start) if cfg.campaign_start else None
        return Period(kind, "final", _at(start, time(0)) if start else None, _at(end, time(23, 59, 59)),
                      _at(end + timedelta(days=FINAL_GRACE_DAYS), DAILY_DUE))
    raise InvalidInputError("loại báo cáo: daily, weekly, final", "kind: daily, weekly or final")


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text) if "-" in text else datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise InvalidInputError("ngày dạng yyyy-MM-dd", "date as yyyy-MM-dd") from None


def report(ctx: Context, who: ProvinceCaller, kind: str, label: str | None = None) -> tuple[Period, list[Table]]:
    """The report's tables, each indicator against its target: by district then commune when the period
    ends before 01/07/2025, by former province then commune (2025 units) after."""
    p = period(ctx, who, kind, label)
    until = min(p.until, ctx.clock.now())
    known = province_districts(who.province_code)
    with ctx.db.read() as s:
        counts = _counts(s, who.province_code, until, p.since)
        targets = {(t.district_code, t.commune, t.indicator): t.target for t in s.scalars(
            select(CampaignTarget).where(CampaignTarget.province_code == who.province_code))}

    def district_target(d, ind):
        direct = targets.get((d, "", ind))
        communes = [v for (dd, c, i), v in targets.items() if dd == d and c and i == ind]
        return direct if direct is not None else (sum(communes) if communes else None)

    columns = [("place", "Địa bàn")]
    for ind, name in INDICATORS.items():
        columns += [(ind, name), (f"{ind}_target", "Chỉ tiêu"), (f"{ind}_pct", "Tỷ lệ %")]
    columns += [("card_new", "Thẻ tích hợp mới trong kỳ"), ("book_new", "Sổ kích hoạt mới trong kỳ")]
    formers = [c for c in units.former_provinces(who.province_code) or (who.province_code,)]
    plan_total = sum(PLAN_TOTALS.get(c, 0) for c in formers)
    when = as_utc(until).astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    note = f"Số liệu đến {when} (giờ Việt Nam), từ trình mô phỏng VNeID."
    if plan_total:
        note += f" Chỉ tiêu {plan_total:,} (KH Ninh Thuận 11/2024 mục II, địa bàn Ninh Thuận cũ).".replace(",", ".")
    province_target = lambda ind: sum(district_target(c, ind) or 0 for c in known) or plan_total or None  # noqa: E731
    reformed = units.reformed(as_utc(until).astimezone(VN_TZ).date())
    if not reformed:
        groups = {code: (f"{code} — {d.name}", [code]) for code, d in known.items()}
        first, second, sheets = "theo huyện", "theo xã, phường", ("Theo huyen", "Theo xa")
    else:
        label = (lambda c: f"{units.short(units.provinces_2024().get(c, c))} cũ") if len(formers) > 1 \
            else (lambda c: f"Tỉnh {who.province_name}")   # a province that took no other in
        groups = {c: (label(c), [d for d, x in known.items() if x.province_code == c]) for c in formers}
        first, second, sheets = "theo địa bàn tỉnh cũ", "theo xã, phường (từ 01/07/2025)", ("Theo dia ban cu", "Theo xa")
    by_group: dict[str, dict[str, int]] = {}
    for (d, _), values in counts.items():
        group = next((g for g, (_, ds) in groups.items() if d in ds), None)
        for k, v in values.items():
            if group is not None:
                by_group.setdefault(group, {}).setdefault(k, 0)
                by_group[group][k] += v
    group_rows = [_line(name, by_group.get(g, {}), lambda ind, ds=ds: sum(district_target(d, ind) or 0 for d in ds)
                        or (PLAN_TOTALS.get(g) if g in PLAN_TOTALS else None))
                  for g, (name, ds) in groups.items()]
    total_values = {k: sum(r.get(k) or 0 for r in group_rows) for k in ("level2", "card", "book", "card_new", "book_new")}
    totals = _line("Toàn tỉnh", total_values, province_target)
    if reformed:   # the old communes' counts and targets summed into the commune each went into
        by_commune: dict[str, dict[str, int]] = {}
        commune_targets: dict[tuple[str, str], int] = {}
        for (d, c), values in counts.items():
            name = units.commune_name(_new_commune(d, c), units.REFORM) or "chưa rõ xã"
            for k, v in values.items():
                by_commune.setdefault(name, {}).setdefault(k, 0)
                by_commune[name][k] += v
        for (d, c, ind), v in targets.items():
            if c:
                key = (units.commune_name(_new_commune(d, c), units.REFORM) or "chưa rõ xã", ind)
                commune_targets[key] = commune_targets.get(key, 0) + v
        place_rows = [_line(name, values, lambda ind, n=name: commune_targets.get((n, ind)))
                      for name, values in sorted(by_commune.items())]
    else:
        place_rows = [_line(f"{known[d].name} — {c or 'chưa rõ xã'}", values, lambda ind, d=d, c=c: targets.get((d, c, ind)))
                      for (d, c), values in sorted(counts.items()) if d in known]
    return p, [Table(f"{KINDS[kind]} — {first}", columns, group_rows, note=note, sheet=sheets[0], totals=totals),
               Table(f"{KINDS[kind]} — {second}", columns, place_rows, sheet=sheets[1])]


def _line(name: str, values: dict, target_of) -> dict:
    row = {"place": name}
    for ind in INDICATORS:
        target = target_of(ind)
        done = values.get(ind, 0)
        row[ind], row[f"{ind}_target"] = done, target
        row[f"{ind}_pct"] = round(100 * done / target, 2) if target else None
    row["card_new"], row["book_new"] = values.get("card_new", 0), values.get("book_new", 0)
    return row


def _new_commune(district: str, commune: str) -> str:
    old = units.find_commune_2024(district, commune)
    return units.new_communes(old)[0] if old and units.new_communes(old) else ""


# --- schedule --------------------------------------------------------------------------------------
def schedule(ctx: Context, who: ProvinceCaller) -> list[dict]:
    """Every report the campaign asks for so far, with its state: filed, filed late, due, late, upcoming."""
    cfg = province_settings.get(ctx, who.province_code)
    if not cfg.campaign_start or not cfg.campaign_end:
        return []
    now = ctx.clock.now()
    start, end = _parse_day(cfg.campaign_start), _parse_day(cfg.campaign_end)
    today = now.astimezone(VN_TZ).date()
    with ctx.db.read() as s:
        filed = {(f.kind, f.period): f for f in s.scalars(select(ReportFiling).where(
            ReportFiling.province_code == who.province_code))}
    items: list[Period] = []
    day = start
    while day <= min(end, today + timedelta(days=1)):
        items.append(period(ctx, who, "daily", day.isoformat()))
        day += timedelta(days=1)
    wednesday = start + timedelta(days=(2 - start.weekday()) % 7)
    while wednesday <= min(end + timedelta(days=6), today + timedelta(days=7)):
        iso = wednesday.isocalendar()
        items.append(period(ctx, who, "weekly", f"{iso[0]}-W{iso[1]:02d}"))
        wednesday += timedelta(days=7)
    items.append(period(ctx, who, "final"))
    out = []
    for p in items:
        f = filed.get((p.kind, p.label))
        if f is not None:
            state = "filed_late" if as_utc(f.filed_at) > p.due else "filed"
        elif now > p.due:
            state = "late"
        elif p.opens is None or now >= p.opens:
            state = "due"
        else:
            state = "upcoming"
        out.append({"kind": p.kind, "kindVi": KINDS[p.kind], "period": p.label, "due": p.due.isoformat(timespec="minutes"),
                    "state": state, "filedBy": f.filed_by if f else None,
                    "filedAt": as_utc(f.filed_at).isoformat(timespec="minutes") if f else None})
    return out


def file_report(ctx: Context, who: ProvinceCaller, kind: str, label: str) -> dict:
    permissions.require(who, "file_report")
    p = period(ctx, who, kind, label)
    with ctx.db.session() as s:
        existing = s.scalars(select(ReportFiling).where(ReportFiling.province_code == who.province_code,
                                                        ReportFiling.kind == kind, ReportFiling.period == p.label)).first()
        if existing is None:
            existing = ReportFiling(province_code=who.province_code, kind=kind, period=p.label, filed_by=who.username,
                                    filed_at=ctx.clock.now())
            s.add(existing)
        filed = {"kind": kind, "period": p.label, "filedBy": existing.filed_by,
                 "filedAt": as_utc(existing.filed_at).isoformat(timespec="minutes"), "late": as_utc(existing.filed_at) > p.due}
    permissions.decided(ctx, who, "file_report", f"{kind} {p.label}")
    return filed
