"""docker-compose.yml is a valid Compose file (``docker compose config`` where it exists, else the
compose-spec JSON schema) and runs the layout the README describes: web processes that only
acknowledge, separate workers, PostgreSQL, and a Locust master with workers under the "load" profile."""

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"


def _validate(path: Path) -> subprocess.CompletedProcess:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return subprocess.run(["docker", "compose", "-f", str(path), "config", "-q"], capture_output=True, text=True)
    cli = Path(sys.executable).parent / "check-jsonschema"
    return subprocess.run([str(cli), "--builtin-schema", "vendor.compose-spec", str(path)], capture_output=True, text=True)


def test_compose_file_is_valid_and_an_invalid_one_is_caught(tmp_path):
    run = _validate(COMPOSE)
    assert run.returncode == 0, run.stdout + run.stderr
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE.read_text(encoding="utf-8").replace("    restart: unless-stopped", "    restart: [oops]")
                      .replace("services:", "services:\n  bad:\n    image: 1\n    ports: {a: b}"), encoding="utf-8")
    assert _validate(broken).returncode != 0


def test_compose_layout_web_workers_database_and_load():
    spec = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    services = spec["services"]
    assert services["web"]["environment"]["SANDBOX_PROCESSING_MODE"] == "external"
    assert services["worker"]["command"][:2] == ["skdt-sandbox", "worker"] and services["worker"]["deploy"]["replicas"] >= 2
    assert services["db"]["image"].startswith("postgres")
    assert services["locust-master"]["profiles"] == ["load"] and "--master" in services["locust-master"]["command"]
    assert "--worker" in services["locust-worker"]["command"]
