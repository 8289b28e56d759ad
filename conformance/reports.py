"""Report writers over the one report model: JSON (canonical), JUnit XML (CI), HTML (evidence, personal
data masked), xlsx (the checklist a Sở Y tế files), and the bundle of them all in one folder."""

from __future__ import annotations

import html
import io
import json
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree as ET

from sandbox.clock import vn_text
from sandbox.tables import append_row

from .runner import canonical

STYLE = {"pass": "#1e7b34", "fail": "#b3261e", "skip": "#8a6d00", "omit": "#666", "error": "#6a1b9a"}


def to_json(report: dict) -> bytes:
    return json.dumps(report, ensure_ascii=False, indent=2).encode()


def to_junit(report: dict) -> bytes:
    suite = report["suite"]
    root = ET.Element("testsuites", name=f"{suite['id']} {suite['version']}")
    for group in report["groups"]:
        checks = [c for c in report["checks"] if c["group"] == group["id"]]
        ts = ET.SubElement(root, "testsuite", name=f"{group['id']} — {group['titleEn']}", tests=str(len(checks)),
                           failures=str(sum(c["outcome"] == "fail" for c in checks)),
                           errors=str(sum(c["outcome"] == "error" for c in checks)),
                           skipped=str(sum(c["outcome"] in ("skip", "omit") for c in checks)))
        ET.SubElement(ts, "properties").extend([
            ET.Element("property", name="suite.hash", value=suite["hash"]),
            ET.Element("property", name="ruleSet", value=report["ruleSet"]),
            ET.Element("property", name="codeLists", value=report["codeLists"])])
        for c in checks:
            case = ET.SubElement(ts, "testcase", classname=f"{suite['id']}.{group['id']}", name=f"{c['id']} {c['titleEn']}")
            detail = f"{c['messageEn']} | {c['message']} | requirements: {', '.join(c['requirements'])}"
            if c["outcome"] == "fail":
                ET.SubElement(case, "failure", message=c["messageEn"]).text = detail
            elif c["outcome"] == "error":
                ET.SubElement(case, "error", message=c["messageEn"]).text = detail
            elif c["outcome"] in ("skip", "omit"):
                ET.SubElement(case, "skipped", message=c["messageEn"] or c["outcome"])
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def to_html(report: dict) -> bytes:
    e = html.escape
    s = report["session"]
    rows = []
    for c in report["checks"]:
        evidence = ", ".join(e(str(x)) for x in c["evidence"])
        rows.append(f"<tr><td><code>{e(c['id'])}</code></td><td>{e(c['title'])}<br><small>{e(c['titleEn'])}</small></td>"
                    f"<td>{e(', '.join(c['requirements']))}</td>"
                    f"<td style='color:{STYLE[c['outcome']]};font-weight:bold'>{e(c['outcomeVi'])}</td>"
                    f"<td>{e(c['message'])}<br><small>{e(c['messageEn'])}</small><br><small>{evidence}</small></td></tr>")
    exchanges = "".join(f"<tr><td>{e(vn_text(datetime.fromisoformat(x['at']), seconds=True))}</td><td>{e(x['operation'])}</td><td>{x['httpStatus']}</td>"
                        f"<td>{e(x['maKetQua'])}</td><td>{e(x['maLoi'])}</td><td>{e(x['fault'])}</td></tr>"
                        for x in report["exchanges"])
    page = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Báo cáo chứng nhận {e(s['id'])}</title>
<style>body{{font-family:DejaVu Sans,Arial,sans-serif;margin:2em}}table{{border-collapse:collapse;width:100%}}
td,th{{border:1px solid #ccc;padding:4px;vertical-align:top}}th{{background:#eef}}</style></head><body>
<h1>Báo cáo kiểm tra sẵn sàng liên thông — {e(report['suite']['title'])}</h1>
<p>Cơ sở <b>{e(s['facility'])}</b> · phần mềm <b>{e(s['software'])} {e(s['version'])}</b> ({e(s['vendor'])}) · chuẩn {e(s['profile'])}<br>
Bộ kiểm tra {e(report['suite']['id'])} phiên bản {e(report['suite']['version'])} · mã băm {e(report['suite']['hash'][:16])}… ·
bộ quy tắc {e(report['ruleSet'])} · danh mục {e(report['codeLists'])}<br>
Kết quả chung: <b style="color:{STYLE[report['outcome']]}">{e(report['outcomeVi'])}</b> ·
đạt {report['counts']['pass']}, không đạt {report['counts']['fail']}, chưa thực hiện {report['counts']['skip']},
lỗi {report['counts']['error']}</p>
<table><tr><th>Mã</th><th>Kiểm tra</th><th>Yêu cầu</th><th>Kết quả</th><th>Giải thích và bằng chứng</th></tr>{''.join(rows)}</table>
<h2>Trao đổi với Cổng trong phiên (đã che dữ liệu cá nhân)</h2>
<table><tr><th>Thời điểm (giờ Việt Nam)</th><th>Chức năng</th><th>HTTP</th><th>maKetQua</th><th>maLoi</th><th>Sự cố giả lập</th></tr>{exchanges}</table>
</body></html>"""
    return page.encode()


def to_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh mục kiểm tra"
    s = report["session"]
    append_row(ws, ["Báo cáo kiểm tra sẵn sàng liên thông dữ liệu KCB (QĐ 2733)"])
    append_row(ws, ["Cơ sở", s["facility"], "Phần mềm", f"{s['software']} {s['version']}", "Nhà cung cấp", s["vendor"]])
    append_row(ws, ["Bộ kiểm tra", f"{report['suite']['id']} {report['suite']['version']}", "Mã băm", report["suite"]["hash"],
               "Kết quả chung", report["outcomeVi"]])
    append_row(ws, [])
    append_row(ws, ["Mã", "Nhóm", "Kiểm tra", "Yêu cầu", "Bắt buộc", "Kết quả", "Giải thích"])
    for cell in ws[5]:
        cell.font = Font(bold=True)
    fills = {"pass": "C8E6C9", "fail": "FFCDD2", "skip": "FFF9C4", "error": "E1BEE7", "omit": "EEEEEE"}
    for c in report["checks"]:
        append_row(ws, [c["id"], c["group"], c["title"], ", ".join(c["requirements"]), "x" if c["required"] else "",
                   c["outcomeVi"], c["message"]])
        ws.cell(ws.max_row, 6).fill = PatternFill("solid", fgColor=fills[c["outcome"]])
    for column, width in zip("ABCDEFG", (14, 8, 60, 30, 9, 16, 70)):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


WRITERS = {"json": (to_json, "application/json"), "junit": (to_junit, "application/xml"),
           "html": (to_html, "text/html; charset=utf-8"),
           "xlsx": (to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
SUFFIX = {"json": "report.json", "junit": "junit.xml", "html": "report.html", "xlsx": "checklist.xlsx"}


def write_bundle(report: dict, folder: Path, certificate: dict | None = None, certificate_pdf: bytes | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt, (writer, _) in WRITERS.items():
        path = folder / SUFFIX[fmt]
        path.write_bytes(writer(report))
        written.append(path)
    (folder / "report.canonical.json").write_bytes(canonical(report))
    written.append(folder / "report.canonical.json")
    if certificate:
        (folder / "certificate.jws").write_text(certificate["token"], encoding="ascii")
        written.append(folder / "certificate.jws")
    if certificate_pdf:
        (folder / "certificate.pdf").write_bytes(certificate_pdf)
        written.append(folder / "certificate.pdf")
    return written
