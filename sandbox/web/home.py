"""The landing page at / and the Vietnamese error page every page route answers with."""

from __future__ import annotations

import html

import flask

blueprint = flask.Blueprint("home", __name__)
API_PREFIXES = ("/api/", "/admin/api", "/vneid/api", "/conformance/api", "/so-y-te/api")
LINKS = (("/portal/", "Cổng tiếp nhận — danh sách tiếp nhận của cơ sở", "facility portal"),
         ("/portal/so-suc-khoe", "Tiếp đón — đọc Sổ sức khỏe bằng mã chia sẻ của người bệnh", "read a book by share code"),
         ("/portal/tu-choi", "Vì sao cổng từ chối? — những gì sandbox thấy và chờ đợi", "explain my rejection"),
         ("/portal/chung-nhan", "Chứng nhận sẵn sàng liên thông của phần mềm HIS", "certification sessions"),
         ("/vneid/", "VNeID — Sổ sức khỏe điện tử (giao diện di động)", "VNeID health book"),
         ("/ui/", "Tài liệu API của Cổng (Swagger)", "gateway API"),
         ("/conformance/api/ui/", "Tài liệu API chứng nhận", "conformance API"),
         ("/vneid/api/ui/", "Tài liệu API VNeID", "VNeID API"),
         ("/admin/api/ui/", "Tài liệu API quản trị (X-Admin-Token)", "admin API"),
         ("/so-y-te/", "Sở Y tế, BHXH tỉnh — bảng sẵn sàng, xác nhận, báo cáo", "province board"),
         ("/so-y-te/api/ui/", "Tài liệu API của tỉnh", "province API"),
         ("/van-ban", "Văn bản áp dụng — sandbox xét theo văn bản nào, từ ngày nào", "regulation calendar"))


def is_page(path: str) -> bool:
    return not path.startswith(API_PREFIXES) and not path.endswith((".json", ".yaml"))


def page(title: str, body: str, status: int = 200) -> flask.Response:
    text = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>
<style>body{{font-family:DejaVu Sans,Arial,sans-serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.5}}
.tag{{background:#ffd54f;padding:0 .4em}}</style></head><body>
<p><span class="tag">SANDBOX — không phải hệ thống thật</span></p>{body}</body></html>"""
    return flask.Response(text, status, mimetype="text/html")


@blueprint.route("/")
def landing():
    items = "".join(f'<li><a href="{url}">{html.escape(vi)}</a> <small>({en})</small></li>' for url, vi, en in LINKS)
    return page("Sandbox liên thông dữ liệu KCB",
                "<h1>Sandbox liên thông dữ liệu khám chữa bệnh</h1><p>Cổng giám định BHYT mô phỏng, Sổ sức khỏe điện "
                f"tử và VNeID mô phỏng, bộ kiểm tra chứng nhận sẵn sàng.</p><ul>{items}</ul>")


def error_page(status: int, message_vi: str, message_en: str) -> flask.Response:
    return page(f"Lỗi {status}", f"<h1>{html.escape(message_vi)}</h1><p><small>{html.escape(message_en)}</small></p>"
                                 '<p><a href="/">← Quay lại trang chủ</a></p>', status)
