"""A real server process (``skdt-sandbox serve``) on a free port, for tests that need real sockets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


START_SECONDS = float(os.environ.get("SANDBOX_TEST_START_SECONDS", "180"))   # a busy machine meets it


def start_server(database_url: str, port: int, **env) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": database_url, "SANDBOX_PROCESSING_MODE": "background",
                   "SANDBOX_PASSWORD_HASH_ITERATIONS": "1000", "SANDBOX_STALE_CLAIM_SECONDS": "0",
                   "SANDBOX_WORKER_POLL_SECONDS": "0.2", **env}
    # stderr to a file, never a pipe nobody reads: the access log writes a line per request, and a full pipe
    # would block the server (schemathesis hung on it)
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([sys.executable, "-m", "sandbox.cli", "serve", "--port", str(port)],
                            env=environment, stdout=subprocess.DEVNULL, stderr=log)
    proc.log = log
    return wait_serving(proc, f"http://127.0.0.1:{port}/portal/login")


def _output(proc: subprocess.Popen) -> str:
    log = getattr(proc, "log", None)
    if log is not None:
        log.seek(0)
        return log.read().decode(errors="replace")
    return proc.stderr.read().decode() if proc.stderr else ""


def wait_serving(proc: subprocess.Popen, url: str) -> subprocess.Popen:
    """Wait until ``url`` answers (or the process dies); a busy machine's slow start is not a failure."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=10)
            return proc
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise AssertionError(_output(proc)[-2000:] or "server exited")
            time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"server did not start in {START_SECONDS:.0f} s")


def wait_processed(base: str, headers: dict, transaction: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    result: dict = {}
    while time.monotonic() < deadline:
        result = httpx.get(f"{base}/api/qd130/ketQuaTiepNhan", params={"maGiaoDich": transaction},
                           headers=headers, timeout=30).json()
        if result.get("trangThai") == "DA_XU_LY":
            return result
        time.sleep(0.2)
    raise AssertionError(f"{transaction} not processed in {timeout} s: {result}")


def start_worker(database_url: str, **env) -> subprocess.Popen:
    """A ``skdt-sandbox worker`` process on the same database."""
    environment = {**os.environ, "DATABASE_URL": database_url, "SANDBOX_WORKER_POLL_SECONDS": "0.1", **env}
    return subprocess.Popen([sys.executable, "-m", "sandbox.cli", "worker"], env=environment,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def post_form(client: httpx.Client, path: str, data: dict) -> httpx.Response:
    """POST a page form as a browser does: the form's CSRF token taken from the page first."""
    import re
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    return client.post(path, data={**data, "csrf_token": found.group(1) if found else ""})
