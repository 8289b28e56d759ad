"""PgBouncer (Debian's) in front of the test PostgreSQL, in transaction mode as a deployment runs it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

BINARY = "/usr/sbin/pgbouncer"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Bouncer:
    url: str            # the test database through PgBouncer
    log: Path

    def logins(self) -> int:
        """Client logins PgBouncer has logged (each process's pool connections)."""
        return self.log.read_text(errors="replace").count("login attempt") if self.log.exists() else 0


@pytest.fixture
def pgbouncer(database_url):
    """The test database's URL through a PgBouncer of its own (transaction pooling, 10 server connections)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PgBouncer stands in front of PostgreSQL only")
    if not Path(BINARY).exists():
        pytest.fail("pgbouncer not installed: make test installs Debian's pgbouncer")
    where = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    where.chmod(0o777)            # started as root, pgbouncer drops to the postgres user (-u)
    port = _free_port()
    (where / "userlist.txt").write_text('"postgres" ""\n')
    (where / "pgbouncer.ini").write_text(f"""[databases]
* = host=127.0.0.1 port=5432
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {where}/userlist.txt
pool_mode = transaction
default_pool_size = 10
max_client_conn = 500
ignore_startup_parameters = extra_float_digits,options
logfile = {where}/pgbouncer.log
""")
    for f in where.iterdir():
        f.chmod(0o644)
    command = [BINARY, str(where / "pgbouncer.ini")] + (["-u", "postgres"] if os.geteuid() == 0 else [])
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (where / "pgbouncer.log").read_text() if (where / "pgbouncer.log").exists() else ""
                pytest.fail(f"pgbouncer did not start: {proc.stdout.read().decode()} {log}")
            time.sleep(0.1)
    host, name = database_url.rsplit("@", 1)[1].split("/", 1)
    yield Bouncer(database_url.replace(f"@{host}/", f"@127.0.0.1:{port}/"), where / "pgbouncer.log")
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(where, ignore_errors=True)
