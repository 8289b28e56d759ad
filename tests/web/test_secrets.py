"""No default secret is ever in force: without SANDBOX_SECRET_KEY each installation gets a random one
(kept under var/), so a cookie forged with the old default secret opens nothing."""

import flask

from sandbox.app import create_app
from sandbox.context import Context
from sandbox.settings import DEFAULT_SECRET, Settings


def _forged_cookie(secret: str) -> str:
    forger = flask.Flask("forger")
    forger.secret_key = secret
    return forger.session_interface.get_signing_serializer(forger).dumps({"facility": "58001", "username": "58001_BV"})


def test_installation_secret_replaces_the_default(tmp_path, ctx):
    settings = ctx.settings.replace(secret_key=DEFAULT_SECRET, secret_file=str(tmp_path / "secret.key"))
    first = settings.with_installation_secret()
    assert first.secret_key != DEFAULT_SECRET and len(first.secret_key) >= 40
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0
    assert settings.with_installation_secret().secret_key == first.secret_key   # every process agrees


def test_a_cookie_forged_with_the_old_default_is_refused(tmp_path, ctx, his):
    settings = ctx.settings.replace(secret_key=DEFAULT_SECRET, secret_file=str(tmp_path / "secret.key"))
    app = create_app(ctx=Context(settings.with_installation_secret(), ctx.db, ctx.clock), start_worker=False)
    client = app.test_client()
    client.cookies.set("session", _forged_cookie(DEFAULT_SECRET))
    response = client.get("/portal/", follow_redirects=False)
    assert response.status_code == 302 and "/portal/login" in response.headers["location"]


def test_default_admin_token_is_announced(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path}/x.sqlite3", secret_file=str(tmp_path / "s.key"))
    assert any("SANDBOX_ADMIN_TOKEN" in w for w in settings.warnings())
    assert not Settings(admin_token="x" * 32, secret_key="y" * 40).warnings()
