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
    env = spec["x-sandbox"]["environment"]
    assert "@pgbouncer:6432/" in env["DATABASE_URL"] and "@db:5432/" in env["SANDBOX_LISTEN_URL"]
    assert services["pgbouncer"]["build"] == "deploy/pgbouncer" and "cpu_shares" not in services["web"]
    assert services["locust-master"]["profiles"] == ["load"] and "--master" in services["locust-master"]["command"]
    assert "--worker" in services["locust-worker"]["command"]


K8S = ROOT / "deploy" / "k8s"


def _k8s(paths) -> subprocess.CompletedProcess:
    cli = Path(sys.executable).with_name("kubernetes-validate")
    return subprocess.run([str(cli), "--strict", "--quiet", *map(str, paths)], capture_output=True, text=True)


def test_kubernetes_manifests_validate_strictly_and_a_broken_one_is_caught(tmp_path):
    manifests = sorted(K8S.glob("*.yaml"))
    kinds = {yaml.safe_load_all(p.read_text(encoding="utf-8")).__next__()["kind"] for p in manifests}
    assert len(manifests) >= 6 and {"ConfigMap", "Service", "Job"} <= kinds
    run = _k8s(manifests)
    assert run.returncode == 0, run.stdout + run.stderr
    broken = tmp_path / "web.yaml"
    broken.write_text((K8S / "40-web.yaml").read_text(encoding="utf-8").replace("replicas: 2", "replicas: two")
                      .replace("containerPort: 8000", "containerPort: 8000\n              hostPortt: 1"), encoding="utf-8")
    assert _k8s([broken]).returncode != 0
    web = next(d for d in yaml.safe_load_all((K8S / "40-web.yaml").read_text(encoding="utf-8")) if d["kind"] == "Deployment")
    worker = next(d for d in yaml.safe_load_all((K8S / "50-worker.yaml").read_text(encoding="utf-8")) if d["kind"] == "Deployment")
    assert worker["spec"]["template"]["spec"]["containers"][0]["command"][:2] == ["skdt-sandbox", "worker"]
    assert web["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"] == "/portal/login"
