"""``skdt-sandbox province …``: province users (Sở Y tế, BHXH tỉnh) and the readiness board in a terminal."""

from __future__ import annotations

import click

from sandbox.context import Context
from sandbox.errors import SandboxError
from sandbox.settings import Settings

from . import board, users


def _ctx() -> Context:
    return Context.create(Settings.from_env())


@click.group("province")
def province_command():
    """Người dùng Sở Y tế / BHXH tỉnh và bảng sẵn sàng (trang /so-y-te/)."""


@province_command.group("user")
def user_group():
    """Tài khoản Sở Y tế / BHXH tỉnh."""


@user_group.command("add")
@click.argument("username")
@click.option("--province", "province_code", required=True, help="mã tỉnh 2 số như trong mã CSKCB (58)")
@click.option("--organisation", type=click.Choice(sorted(users.ORGANISATIONS)), default="SYT")
@click.option("--full-name", default="")
@click.password_option("--password", help="tối thiểu 8 ký tự")
def user_add(username, province_code, organisation, full_name, password):
    """Tạo người dùng của một tỉnh."""
    try:
        user = users.add_user(_ctx(), username, password, full_name, organisation, province_code)
    except SandboxError as exc:
        raise click.ClickException(exc.message_vi) from None
    click.echo(f"Đã tạo {user['username']} ({user['organisation']}, tỉnh {user['provinceCode']})")


@user_group.command("list")
@click.option("--province", "province_code", default=None)
def user_list(province_code):
    for u in users.list_users(_ctx(), province_code):
        click.echo(f"{u['username']:<24} {u['organisation']:<5} {u['provinceCode']}  {'hoạt động' if u['active'] else 'khóa'}"
                   f"  {u['fullName']}")


@user_group.command("update")
@click.argument("username")
@click.option("--active/--inactive", default=None)
@click.option("--unlock", is_flag=True, help="xóa khóa do đăng nhập sai")
@click.option("--password", default=None)
def user_update(username, active, unlock, password):
    try:
        user = users.update_user(_ctx(), username, active=active, password=password, unlock=unlock)
    except SandboxError as exc:
        raise click.ClickException(exc.message_vi) from None
    click.echo(f"{user['username']}: {'hoạt động' if user['active'] else 'khóa'}")


@province_command.command("board")
@click.option("--province", "province_code", default="58")
def board_command(province_code):
    """Bảng sẵn sàng của một tỉnh (như trang /so-y-te/bang)."""
    who = users.ProvinceCaller("cli", "CLI", "SYT", province_code)
    rows, cfg = board.rows(_ctx(), who)
    click.echo(f"{'mã':<6} {'hợp lệ':>7} {'lỗi':>5} {'chứng nhận':<20} tên")
    for r in rows:
        click.echo(f"{r.code:<6} {r.accepted:>7} {r.rejected:>5} {board.CERT_STATES[r.certification]:<20} {r.name}")
