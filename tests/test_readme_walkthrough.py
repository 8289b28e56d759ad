"""The README's curl walk-through runs as written (bash) against a live sandbox loaded by `skdt-sandbox
demo`, so it cannot drift from what the sandbox does."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.plugins.live import free_port, start_server

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent


def walkthrough() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- BEGIN curl-walkthrough.*?```bash\n(.*?)```\n<!-- END curl-walkthrough -->", text, re.S)
    assert block, "README has no curl walk-through block"
    return block.group(1)


def test_the_readme_walkthrough_runs_as_written(tmp_path):
    if not shutil.which("curl"):
        pytest.fail("curl is needed (Debian's curl)")
    url = f"sqlite:///{tmp_path}/walk.sqlite3"
    env = dict(os.environ, DATABASE_URL=url, SANDBOX_PASSWORD_HASH_ITERATIONS="1000",
               SKDT=str(Path(sys.executable).parent / "skdt-sandbox"))
    subprocess.run([sys.executable, "-m", "sandbox.cli", "demo", "--pki-dir", str(tmp_path / "var" / "demo-pki")],
                   env=env, check=True, capture_output=True)
    port = free_port()
    server = start_server(url, port)
    try:
        run = subprocess.run(["bash", "-euo", "pipefail", "-c", walkthrough()], cwd=tmp_path, capture_output=True,
                             text=True, timeout=120, env=dict(env, BASE=f"http://127.0.0.1:{port}"))
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.strip().splitlines()
    assert lines[0] == "000"                       # the card look-up
    assert lines[1] == "HOP_LE"                    # the signed envelope was accepted
    assert lines[2] == "4016"                      # another password's hash is refused
    assert "32 ký tự hex, chữ thường" in lines[3]  # and explained
