"""``skdt-sandbox replay`` (a folder of exported envelopes against the verdicts the real portal showed) and
``skdt-sandbox shadow`` (a proxy in front of the real gateway)."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("replay")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--verdicts", "verdict_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV/xlsx của cổng thật: MA_LK, TRANG_THAI, MA_LOI / the real portal's verdicts")
@click.option("--profile", type=click.Choice(["QD130", "QD4750", "QD3176"]), default="QD3176", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="báo cáo .xlsx hoặc .json")
@click.option("--json", "as_json", is_flag=True)
def replay_command(folder, verdict_file, profile, output, as_json):
    """Chấm lại một thư mục hồ sơ đã gửi và đối chiếu với kết quả cổng thật (không cần proxy)."""
    from sandbox.context import Context
    from sandbox.tables import to_xlsx
    from .replay import read_verdicts, replay
    report = replay(Context.create(), folder, read_verdicts(verdict_file), profile)
    data = report.as_json()
    if output is not None:
        output.write_bytes(to_xlsx(report.tables()) if output.suffix.lower() == ".xlsx"
                           else json.dumps(data, ensure_ascii=False, indent=1).encode())
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    from .compare import CLASSES
    click.echo(f"{data['total']} hồ sơ / HOSO")
    for kind, n in data["counts"].items():
        click.echo(f"  {CLASSES[kind]}: {n}")
    for row in data["byCode"]:
        click.echo(f"  [{row['code']}] chỉ sandbox {row['oursOnly']} · chỉ cổng thật {row['theirsOnly']}")


@click.command("shadow")
@click.option("--upstream", help="cổng thật (hoặc cổng thử nghiệm) để chuyển tiếp / the gateway to forward to")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--queue", "queue_size", default=1000, show_default=True, help="hồ sơ chờ đối chiếu tối đa / bounded queue")
@click.option("--keep-days", default=7, show_default=True, help="giữ kết quả đối chiếu bao nhiêu ngày")
@click.option("--report", is_flag=True, help="in báo cáo đối chiếu đã lưu thay vì chạy proxy")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="báo cáo .xlsx hoặc .json")
def shadow_command(upstream, host, port, queue_size, keep_days, report, output):
    """Chạy song song với cổng thật: chuyển tiếp nguyên vẹn, sandbox tự chấm và ghi lại khác biệt."""
    from sandbox.context import Context
    ctx = Context.create()
    if report:
        from sandbox.tables import to_xlsx
        from .proxy import report as stored
        data = stored(ctx, keep_days)
        if output is not None:
            output.write_bytes(to_xlsx(data.tables()) if output.suffix.lower() == ".xlsx"
                               else json.dumps(data.as_json(), ensure_ascii=False, indent=1).encode())
        click.echo(json.dumps(data.as_json()["counts"], ensure_ascii=False))
        return
    if not upstream:
        raise click.UsageError("--upstream URL (hoặc --report)")
    import uvicorn
    from sandbox.storage.migrate import upgrade
    from .proxy import ShadowProxy
    upgrade(ctx.settings.database_url)
    click.echo(f"Shadow: http://{host}:{port} → {upstream} (đối chiếu ngoài luồng, hàng đợi {queue_size})")
    def stopped(status: dict) -> None:       # on the way out: what it forwarded, dropped and added
        click.echo(f"Shadow dừng / stopped: {json.dumps(status, ensure_ascii=False)}")
    uvicorn.run(ShadowProxy(ctx, upstream, queue_size=queue_size, keep_days=keep_days, on_stop=stopped), host=host,
                port=port, log_level="warning")
