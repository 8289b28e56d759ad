"""skdt-sandbox: the console command Sở Y tế and BHXH staff script (database from DATABASE_URL)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from . import admin
from .context import Context
from .errors import SandboxError
from .settings import ROOT, Settings


def _ctx() -> Context:
    return Context.create(Settings.from_env())


def _out(data, as_json: bool, line=None) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif isinstance(data, list):
        for item in data:
            click.echo(line(item) if line else item)
    else:
        click.echo(line(data) if line else data)


class SandboxGroup(click.Group):
    """Turn SandboxError into a Vietnamese + English message and exit status 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SandboxError as exc:
            click.echo(f"Lỗi [{exc.code_info.code}]: {exc.message_vi}", err=True)
            click.echo(f"Error [{exc.code_info.code}]: {exc.message_en}", err=True)
            sys.exit(1)


json_option = click.option("--json", "as_json", is_flag=True, help="JSON output for scripts")


@click.group(cls=SandboxGroup)
@click.option("-v", "--verbose", is_flag=True)
def main(verbose: bool) -> None:
    """Sandbox Cổng giám định BHYT / Sổ SKĐT / VNeID — quản trị."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")


@main.command("init-db")
def init_db() -> None:
    """Tạo/nâng cấp cơ sở dữ liệu (Alembic upgrade head)."""
    from .storage.migrate import upgrade
    settings = Settings.from_env()
    upgrade(settings.database_url)
    click.echo(f"Cơ sở dữ liệu sẵn sàng / database ready: {settings.database_url.split('@')[-1]}")


# --- facilities --------------------------------------------------------------------------------
@main.group()
def facility() -> None:
    """Cơ sở KCB (mã QĐ 384)."""


def _facility_line(f):
    return f"{f['code']}  {f['status']:<9}  {f['name']}"


@facility.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--xa", "commune", default="", help="mã xã, phường từ 01/07/2025 / 2025 commune code")
@json_option
def facility_add(code, name, commune, as_json):
    _out(admin.add_facility(_ctx(), code, name, commune_code=commune), as_json, _facility_line)


@facility.command("suspend")
@click.argument("code")
@json_option
def facility_suspend(code, as_json):
    _out(admin.set_facility_status(_ctx(), code, "suspended"), as_json, _facility_line)


@facility.command("activate")
@click.argument("code")
@json_option
def facility_activate(code, as_json):
    _out(admin.set_facility_status(_ctx(), code, "active"), as_json, _facility_line)


@facility.command("list")
@click.option("--province")
@json_option
def facility_list(province, as_json):
    _out(admin.list_facilities(_ctx(), province), as_json, _facility_line)


@facility.command("seed")
@click.option("--kon-tum", is_flag=True, help="thêm các cơ sở minh họa của Kon Tum cũ (Quảng Ngãi)")
def facility_seed(kon_tum):
    """Nạp 79 cơ sở của Ninh Thuận cũ (Phụ lục 4), nay thuộc Khánh Hòa."""
    click.echo(f"Đã thêm {admin.seed_facilities(_ctx(), kon_tum=kon_tum)} cơ sở")


# --- accounts ----------------------------------------------------------------------------------
@main.group()
def account() -> None:
    """Tài khoản liên thông (gắn với một cơ sở)."""


def _account_line(a):
    state = "hoạt động" if a["active"] else "vô hiệu"
    if a["locked"]:
        state += ", đang khóa"
    ips = ",".join(a["allowedIps"]) or "mọi IP"
    return f"{a['username']:<24} {a['facility']}  {state:<22} {ips}"


@account.command("add")
@click.argument("username")
@click.option("--facility", required=True)
@click.option("--password", required=True)
@click.option("--name", "full_name", default="")
@click.option("--ip", "ips", multiple=True, help="registered public IP / network (repeatable)")
@json_option
def account_add(username, facility, password, full_name, ips, as_json):
    _out(admin.add_account(_ctx(), username, facility, password, full_name, list(ips) or None), as_json,
         _account_line)


@account.command("disable")
@click.argument("username")
@json_option
def account_disable(username, as_json):
    _out(admin.update_account(_ctx(), username, active=False), as_json, _account_line)


@account.command("enable")
@click.argument("username")
@json_option
def account_enable(username, as_json):
    _out(admin.update_account(_ctx(), username, active=True), as_json, _account_line)


@account.command("unlock")
@click.argument("username")
@json_option
def account_unlock(username, as_json):
    _out(admin.update_account(_ctx(), username, unlock=True), as_json, _account_line)


@account.command("set-ips")
@click.argument("username")
@click.argument("ips", nargs=-1)
@json_option
def account_set_ips(username, ips, as_json):
    """Đặt danh sách IP được phép (không truyền IP nào = mọi IP)."""
    _out(admin.update_account(_ctx(), username, allowed_ips=list(ips)), as_json, _account_line)


@account.command("list")
@click.option("--facility")
@json_option
def account_list(facility, as_json):
    _out(admin.list_accounts(_ctx(), facility), as_json, _account_line)


# --- certificates ------------------------------------------------------------------------------
@main.group()
def cert() -> None:
    """Chứng thư số của cơ sở (để kiểm tra chữ ký CHUKYDONVI)."""


def _cert_line(c):
    return f"{c['facility']}  {c['state']:<13} {c['fingerprint']}  đến {c['notAfter'][:10]}  {c['subject']}"


@cert.command("add")
@click.option("--facility", required=True)
@click.argument("pem_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
def cert_add(facility, pem_file, as_json):
    _out(admin.add_certificate(_ctx(), facility, pem_file.read_bytes()), as_json, _cert_line)


@cert.command("revoke")
@click.argument("fingerprint")
@click.option("--reason", default="")
@click.option("--facility")
@json_option
def cert_revoke(fingerprint, reason, facility, as_json):
    _out(admin.revoke_certificate(_ctx(), fingerprint, reason, facility), as_json, _cert_line)


@cert.command("list")
@click.option("--facility")
@json_option
def cert_list(facility, as_json):
    _out(admin.list_certificates(_ctx(), facility), as_json, _cert_line)


# --- clock -------------------------------------------------------------------------------------
@main.group()
def clock() -> None:
    """Đồng hồ sandbox (giờ thật + độ lệch)."""


def _clock_line(c):
    return f"độ lệch {c['offset']} · bây giờ (sandbox) {c['now']}"


@clock.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("offset")
@json_option
def clock_set(offset, as_json):
    """OFFSET: +36h, -2d, 90m, 0 …"""
    _out(admin.set_clock(_ctx(), offset), as_json, _clock_line)


@clock.command("show")
@json_option
def clock_show(as_json):
    _out(admin.clock_state(_ctx()), as_json, _clock_line)


# --- people registries -------------------------------------------------------------------------
@main.group()
def registry() -> None:
    """Danh mục: nhân viên (staff), khoa (departments), công dân (citizens), thẻ BHYT (cards)."""


@registry.command("load")
@click.argument("kind", type=click.Choice(["staff", "departments", "citizens", "cards"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def registry_load(kind, file):
    """Nạp FILE (CSV có dòng tiêu đề, hoặc JSON) vào danh mục KIND; một dòng sai thì không nạp gì."""
    result = admin.load_registry(_ctx(), kind, file.read_bytes(), file.name)
    click.echo(f"Đã nạp {result['loaded']} dòng vào {kind}")


@registry.command("list")
@click.argument("kind", type=click.Choice(["staff", "departments", "citizens", "cards"]))
@click.option("--facility")
@json_option
def registry_list(kind, facility, as_json):
    _out(admin.list_registry(_ctx(), kind, facility), as_json, lambda r: "  ".join(str(v) for v in r.values()))


# --- VNeID and the display window ---------------------------------------------------------------
@main.group()
def vneid() -> None:
    """Tài khoản VNeID mô phỏng."""


@vneid.command("add")
@click.argument("personal_id")
@click.option("--password", required=True)
@click.option("--passcode", required=True, help="6 chữ số")
def vneid_add(personal_id, password, passcode):
    admin.add_vneid_account(_ctx(), personal_id, password, passcode)
    click.echo(f"Đã tạo tài khoản VNeID cho {personal_id}")


@main.command("display-report")
@json_option
def display_report_cmd(as_json):
    """Sổ SKĐT: chờ hiển thị / đã hiển thị / quá hạn 24 giờ, theo cơ sở và toàn tỉnh (*)."""
    _out(admin.display_report(_ctx()), as_json,
         lambda r: f"{r['maCSKCB']:<6} chờ {r['choHienThi']:>5} · đã hiển thị {r['daHienThi']:>5} "
                   f"(trễ {r['hienThiTre']}) · quá hạn 24h {r['quaHan24h']:>5}")


# --- processing, demo, serve -------------------------------------------------------------------
@main.command("process-pending")
def process_pending_cmd():
    """Xử lý mọi hồ sơ đã tiếp nhận nhưng chưa xử lý (sau sự cố)."""
    from .pipeline.service import process_pending
    click.echo(f"Đã xử lý {process_pending(_ctx())} giao dịch")


@main.command("worker")
@click.option("--batch", default=8, show_default=True, help="submissions claimed at once")
def worker_cmd(batch):
    """Tiến trình xử lý hồ sơ riêng (nhiều tiến trình, một hay nhiều máy, cùng một PostgreSQL).

    Run the web processes with SANDBOX_PROCESSING_MODE=external and as many workers as the load needs;
    a killed worker's claims are taken over after SANDBOX_STALE_CLAIM_SECONDS."""
    import signal
    import threading
    from .pipeline.worker import run_worker
    from .storage.migrate import upgrade
    settings = Settings.from_env()
    upgrade(settings.database_url)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    done = run_worker(_ctx(), batch=batch, stop=stop)
    click.echo(f"Đã xử lý {done} giao dịch")


@main.command("check")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--facility", required=True, help="MACSKCB whose registered certificates verify the signature")
@click.option("--profile", type=click.Choice(["QD130", "QD4750", "QD3176"]), default="QD3176", show_default=True)
@click.option("--kind", type=click.Choice(["HOSO", "CHECKIN", "GDYK"]), default="HOSO", show_default=True)
@json_option
def check_cmd(file, facility, profile, kind, as_json):
    """Chạy đúng các bước kiểm tra của cổng trên FILE (không lưu), in từng lỗi."""
    from .pipeline.runner import evaluate
    from .pipeline.service import stage_context_for
    ctx = _ctx()
    outcome = evaluate(file.read_bytes(), stage_context_for(ctx, kind, profile, facility),
                       ctx.settings.max_decoded_file_bytes)
    items = [f.to_wire() for f in outcome.findings] + [f.to_wire() for r in outcome.records for f in r.findings]
    if as_json:
        _out({"hopLe": outcome.envelope_valid and all(r.valid for r in outcome.records), "dsLoi": items}, True)
        return
    for r in outcome.records:
        state = "HỢP LỆ" if r.valid and outcome.envelope_valid else "KHÔNG HỢP LỆ"
        click.echo(f"HOSO {r.position} MA_LK={r.ma_lk or '(trống)'}: {state}")
    for e in items:
        click.echo(f"  [{e['maLoi']}] {e['mucDo']} {e['loaiHoSo']} {e['viTri']} (dòng {e['dong'] or '-'}): {e['moTaLoi']}")
    if not items:
        click.echo("Không có lỗi.")


@main.command("readiness")
@json_option
def readiness_cmd(as_json):
    """Tình trạng sẵn sàng theo cơ sở."""
    _out(admin.readiness(_ctx()), as_json,
         lambda r: f"{r['code']} {r['status']:<9} tài khoản {r['accounts']} · chứng thư hợp lệ "
                   f"{r['validCertificates']} · giao dịch {r['submissions']} · hồ sơ hợp lệ {r['acceptedEpisodes']}  {r['name']}")


@main.command("docs")
def docs_cmd():
    """Viết lại bảng mã kết quả trong README và enum trong openapi/gateway.yaml."""
    from .docs import write_all
    changed = write_all(ROOT)
    click.echo("Đã cập nhật: " + (", ".join(str(p.relative_to(ROOT)) for p in changed) or "không có thay đổi"))


def _give_way_to_workers(settings: Settings) -> None:
    """In external mode with SANDBOX_WEB_NICE > 0 (0 by default: admission control bounds the backlog),
    lower the web processes' priority (gunicorn's workers inherit it)."""
    if settings.processing_mode == "external" and settings.web_nice > 0:
        import os
        try:
            level = os.nice(settings.web_nice)
        except OSError as exc:   # a sandboxed runtime may forbid it: serve anyway, and say so
            click.echo(f"CẢNH BÁO / WARNING: không hạ được ưu tiên tiến trình web / cannot lower the web "
                       f"processes' priority ({exc.strerror})", err=True)
            return
        click.echo(f"Tiến trình web ưu tiên thấp hơn worker (nice {level}) / web processes give way to the "
                   f"workers (nice {level})")


from .documents import rules_command  # noqa: E402 - the regulation calendar, a module of its own
from .shadow.cli import replay_command, shadow_command  # noqa: E402 - shadow mode and replay
for _command in (rules_command, replay_command, shadow_command):
    main.add_command(_command)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help=">1 runs gunicorn with uvicorn workers")
def serve(host, port, workers):
    """Chạy sandbox (cổng giám định, portal, Swagger UI tại /ui)."""
    import os
    from .storage.migrate import upgrade
    if not os.environ.get("SANDBOX_PUBLIC_URL"):   # links and QR codes lead to the port this server runs on
        os.environ["SANDBOX_PUBLIC_URL"] = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::', '') else host}:{port}"
    settings = Settings.from_env()
    logging.getLogger("skdt.access").setLevel(logging.INFO)   # the access log (sandbox/access_log.py) on stderr
    upgrade(settings.database_url)
    for warning in settings.warnings():
        click.echo(warning, err=True)
    click.echo(f"Sandbox: http://{host}:{port}/ui (gateway) · /admin/api/ui · /portal/ · /portal/chung-nhan · /vneid/")
    _give_way_to_workers(settings)
    if workers > 1:
        os.execvp(sys.executable, [sys.executable, "-m", "gunicorn", "sandbox.asgi:app", "-k",
                                   "sandbox.serving.Worker", "-w", str(workers), "-b", f"{host}:{port}"])
    import uvicorn
    from .app import create_app
    from .serving import HTTP_PROTOCOL
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", http=HTTP_PROTOCOL)


@main.group()
def fault() -> None:
    """Sự cố giả lập theo tài khoản (fault profiles: burst_503, slow, token_refused, status_lag …)."""


@fault.command("set")
@click.argument("username")
@click.argument("profile")
@click.option("--count", type=int, default=None, help="how many calls it hits (default: the profile's)")
@json_option
def fault_set(username, profile, count, as_json):
    from . import faults
    _out(faults.set_account_fault(_ctx(), username, profile, count), as_json,
         lambda f: f"{f['username']}: {f['profile']} × {f['remaining']}")


@fault.command("clear")
@click.argument("username")
def fault_clear(username):
    from . import faults
    faults.clear_account_fault(_ctx(), username)
    click.echo(f"{username}: không còn sự cố giả lập / fault cleared")


@fault.command("list")
@json_option
def fault_list(as_json):
    from . import faults
    _out(faults.list_faults(_ctx()), as_json, lambda f: f"{f['username']}: {f['profile']} × {f['remaining']}")


@fault.command("profiles")
def fault_profiles():
    from . import faults
    for p in faults.PROFILES.values():
        click.echo(f"{p.name:14s} {p.hits:10s} {p.vi} / {p.en}")


def _load_plugins() -> None:
    """Commands from other packages (conformance: demo, samples …) via the entry-point group
    ``skdt_sandbox.commands``; sandbox itself never imports them."""
    from importlib.metadata import entry_points
    for ep in entry_points(group="skdt_sandbox.commands"):
        main.add_command(ep.load(), ep.name)


_load_plugins()

if __name__ == "__main__":  # pragma: no cover
    main()
