"""What the sandbox judges by on a date, for people: the regulation calendar (reference/calendar.py) as the
page "Văn bản áp dụng" (/van-ban), the API ``GET /api/sandbox/van-ban`` and ``skdt-sandbox rules --as-of``.
Each document with what the sandbox does because of it: its rules (rules that name it) and code lists."""

from __future__ import annotations

import html
import re
from datetime import date

import click
import flask

from .clock import VN_TZ
from .reference import calendar, codelists


def _rules_by_document() -> dict[str, list[str]]:
    from .pipeline.rules import RULES
    out: dict[str, list[str]] = {}
    for r in RULES.values():
        if r.document:
            out.setdefault(r.document, []).append(r.id)
    return out


def _lists_by_document() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for cl in codelists.ALL.values():
        for v in cl.versions:
            if v.document:
                out.setdefault(v.document, []).append(cl.name)
    return out


def listing(day: date, rehearsing: bool = False) -> dict:
    """The documents in force on ``day`` (drafts too when rehearsing); raises calendar.UnknownDate."""
    rules, lists = _rules_by_document(), _lists_by_document()
    docs = [{**d.to_json(), "quyTac": sorted(rules.get(d.id, [])), "danhMuc": sorted(set(lists.get(d.id, [])))}
            for d in calendar.in_force(day, rehearsing)]
    return {"ngay": day.isoformat(), "dienTap": rehearsing, "bietDen": calendar.KNOWN_UNTIL.isoformat(),
            "vanBan": docs}


def parse_day(text: str | None, today: date) -> date:
    if not text:
        return today
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError("ngày theo dạng yyyy-mm-dd, ví dụ 2027-01-01") from None


def api(ngay=None, dienTap=False):
    """GET /api/sandbox/van-ban"""
    from .api.common import context
    today = context().clock.now().astimezone(VN_TZ).date()
    if ngay is not None and not ngay.strip():
        return {"maKetQua": "400", "thongDiep": "ngày trống: bỏ tham số ngay để xem hôm nay", "message": "empty date: leave ngay out for today"}, 400
    try:
        return listing(parse_day(ngay, today), bool(dienTap))
    except calendar.UnknownDate as exc:
        return {"maKetQua": "400", "thongDiep": exc.args[0], "message": exc.args[1]}, 400
    except ValueError as exc:
        return {"maKetQua": "400", "thongDiep": str(exc), "message": "date as yyyy-mm-dd"}, 400


blueprint = flask.Blueprint("documents", __name__)


@blueprint.route("/van-ban")
def page():
    from .web.home import page as render
    ctx = flask.current_app.extensions["skdt"]
    today = ctx.clock.now().astimezone(VN_TZ).date()
    args = flask.request.args
    rehearsing = args.get("dien_tap") == "1"
    try:
        day = parse_day(args.get("ngay"), today)
        data = listing(day, rehearsing)
    except (ValueError, calendar.UnknownDate) as exc:
        message = exc.args[0]
        return render("Văn bản áp dụng", f'<h1>Văn bản áp dụng</h1><p role="alert">{html.escape(message)}</p>'
                                          '<p><a href="/van-ban">← Hôm nay</a></p>', 400)
    rows = "".join(
        f"<tr><td><b>{html.escape(d['soHieu'])}</b><br>{html.escape(d['trichYeu'])}<br><small>{html.escape(d['coQuanBanHanh'])}"
        f"{', ký ' + _vn(d['ngayKy']) if d['ngayKy'] else ''}</small></td>"
        f"<td>từ {_vn(d['hieuLucTu'])}{' đến ' + _vn(d['hieuLucDen']) if d['hieuLucDen'] else ''}"
        f"{'<br><i>dự thảo</i>' if d['trangThai'] == 'draft' else ''}</td>"
        f"<td>{html.escape(calendar.CONFIDENCE_VI[d['doTinCay']])}</td>"
        f"<td>{html.escape(d['sandboxLam'])}"
        f"{'<br><small>Quy tắc: ' + ', '.join(d['quyTac']) + '</small>' if d['quyTac'] else ''}"
        f"{'<br><small>Danh mục: ' + ', '.join(d['danhMuc']) + '</small>' if d['danhMuc'] else ''}"
        f"<br><small>Nguồn: {html.escape(d['nguon'])}</small></td></tr>" for d in data["vanBan"])
    body = (f"<h1>Văn bản áp dụng ngày {day:%d/%m/%Y}</h1>"
            "<p>Sandbox xét mỗi lượt KCB theo các văn bản có hiệu lực vào <b>ngày ra (NGAY_RA)</b> của lượt đó, mỗi lần "
            "tra cứu theo thời điểm gọi. Chọn ngày khác để xem; đánh dấu <i>diễn tập</i> để tính cả dự thảo.</p>"
            f'<form method="get"><label>Ngày <input type="date" name="ngay" value="{day.isoformat()}" '
            f'max="{calendar.KNOWN_UNTIL.isoformat()}"></label> <label><input type="checkbox" name="dien_tap" value="1"'
            f'{" checked" if rehearsing else ""}> diễn tập (gồm dự thảo)</label> <button>Xem</button></form>'
            '<table border="1" cellpadding="6" style="border-collapse:collapse"><tr><th>Văn bản</th><th>Hiệu lực</th>'
            f"<th>Độ tin cậy</th><th>Sandbox làm gì</th></tr>{rows}</table>"
            f'<p><small>API: <code>GET /api/sandbox/van-ban?ngay={day.isoformat()}</code> · CLI: '
            f"<code>skdt-sandbox rules --as-of {day.isoformat()}</code></small></p>")
    return render(f"Văn bản áp dụng {day:%d/%m/%Y}", body)


def _vn(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")


@click.command("rules")
@click.option("--as-of", "as_of", default=None, help="yyyy-mm-dd: the documents in force then, drafts included "
                                                     "(rehearsal); default today, drafts left out")
@click.option("--json", "as_json", is_flag=True)
def rules_command(as_of, as_json):
    """Văn bản áp dụng vào một ngày (lịch văn bản) và việc sandbox làm theo từng văn bản."""
    import json
    from datetime import datetime
    try:
        day = parse_day(as_of, datetime.now(VN_TZ).date())
        data = listing(day, rehearsing=as_of is not None)
    except (ValueError, calendar.UnknownDate) as exc:
        raise click.UsageError(exc.args[0]) from None
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    click.echo(f"Văn bản áp dụng ngày {day:%d/%m/%Y}" + (" (diễn tập, gồm dự thảo)" if data["dienTap"] else ""))
    for d in data["vanBan"]:
        extra = f" · quy tắc {', '.join(d['quyTac'])}" if d["quyTac"] else ""
        click.echo(f"- {d['soHieu']} (từ {_vn(d['hieuLucTu'])}, {d['doTinCay']}{', dự thảo' if d['trangThai'] == 'draft' else ''})"
                   f": {d['sandboxLam']}{extra}")
