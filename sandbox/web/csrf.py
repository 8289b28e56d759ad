"""CSRF tokens on every page form — portal, VNeID, Sở Y tế / BHXH, certification — with Flask-WTF's CSRFProtect.

Why a library: token generation, constant-time comparison, signing with the app's secret and the referrer
check on HTTPS are easy to get subtly wrong by hand; Flask-WTF is the maintained extension for Flask. Forms
carry ``{{ csrf_token() }}``; a POST to a page without a valid token is refused (400) with a page that says
to reload, and nothing changes. The gateway, VNeID, province and admin APIs are not cookie-authenticated (a
token in headers), so they are not checked. ``SANDBOX_CSRF=false`` turns the check off (unit tests do)."""

from __future__ import annotations

import flask

PAGE_BLUEPRINTS = frozenset({"portal", "vneid_web", "province", "conformance"})


def install(flask_app, settings) -> None:
    from flask_wtf.csrf import CSRFError, CSRFProtect

    from .home import error_page
    flask_app.config.update(WTF_CSRF_CHECK_DEFAULT=False,   # only the pages' forms, see protect() below
                            WTF_CSRF_TIME_LIMIT=None,       # valid as long as the browser's session
                            # no Referer check on HTTPS: every answer says Referrer-Policy: no-referrer, so
                            # browsers send none and the check would refuse every form; the token suffices
                            WTF_CSRF_SSL_STRICT=False)
    csrf = CSRFProtect(flask_app)

    @flask_app.before_request
    def protect():
        if settings.csrf and flask.request.method == "POST" and flask.request.blueprint in PAGE_BLUEPRINTS:
            csrf.protect()

    @flask_app.errorhandler(CSRFError)
    def refused(exc):
        return error_page(400, "Biểu mẫu đã hết hạn hoặc không phải do trang này tạo: tải lại trang rồi gửi lại. "
                               "Chưa có gì thay đổi.",
                          "The form's CSRF token is missing or invalid: reload the page and send it again. "
                          "Nothing was changed.")
