"""The example HIS clients (examples/: C# with Mono's SignedXml, Java with Apache Santuario, Node with xml-crypto,
Python with signxml) are compiled and run against a live sandbox with demo data: each takes a token, looks up a
card, signs an episode with its own library, sends it and must read HOP_LE; each verifies a readiness certificate
offline with the issuer's published certificate and refuses a tampered one. The Postman collection (generated from
the spec) runs with newman and every assertion holds."""

import hashlib
import os
import subprocess
import sys

import httpx
import pytest

from conformance.reference_his import ReferenceHis
from examples import clients, postman
from fixtures.pki import Credential
from tests.plugins.live import free_port, start_server

pytestmark = pytest.mark.slow
RUN_SECONDS = 600   # a compiler or a JVM on a busy machine


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("examples")
    url = f"sqlite:///{tmp}/demo.sqlite3"
    env = dict(os.environ, DATABASE_URL=url, SANDBOX_PASSWORD_HASH_ITERATIONS="1000")
    subprocess.run([sys.executable, "-m", "sandbox.cli", "demo", "--pki-dir", str(tmp / "pki")], env=env, check=True,
                   capture_output=True)
    port = free_port()
    server = start_server(url, port, SANDBOX_ISSUER_DIR=str(tmp / "issuer"), SANDBOX_PUBLIC_URL=f"http://127.0.0.1:{port}")
    yield f"http://127.0.0.1:{port}", tmp, env
    server.terminate()
    server.wait(timeout=30)


def _episode(tmp, env, seed: int, signed: bool = False) -> str:
    out = tmp / f"episode-{seed}.{'b64' if signed else 'xml'}"
    key = ["--key", str(tmp / "pki" / "58001.key.pem"), "--cert", str(tmp / "pki" / "58001.cert.pem"), "--base64"]
    subprocess.run([sys.executable, "-m", "sandbox.cli", "sample", "58001", "--seed", str(seed), "-o", str(out),
                    *(key if signed else ["--unsigned"])], env=env, check=True, capture_output=True)
    return str(out)


def _send(demo, language: str, seed: int, key_of: str) -> subprocess.CompletedProcess:
    """The client of ``language`` sends a fresh episode of 58001, signed with the key of facility ``key_of``."""
    base, tmp, env = demo
    command = clients.build(language, tmp / "build" / language)
    episode = _episode(tmp, env, seed + clients.LANGUAGES.index(language))
    keys = clients.key_arguments(language, tmp / "pki" / f"{key_of}.key.pem", tmp / "pki" / f"{key_of}.cert.pem")
    return subprocess.run([*command, "send", base, "58001_BV", "Demo@58001", *keys, episode],
                          capture_output=True, text=True, timeout=RUN_SECONDS)


@pytest.mark.parametrize("language", clients.LANGUAGES)
def test_each_client_sends_an_episode_signed_by_its_own_library_and_reads_hop_le(demo, language):
    run = _send(demo, language, 400, "58001")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "card check: maKetQua" in run.stdout and "verdict: HOP_LE" in run.stdout, run.stdout


@pytest.mark.parametrize("language", clients.LANGUAGES)
def test_each_client_fails_when_its_episode_is_refused(demo, language):
    """Signed with another facility's key: the gateway rejects it, and the client says so with exit status 1."""
    run = _send(demo, language, 420, "58002")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "verdict: KHONG_HOP_LE" in run.stdout and "SIG-" in run.stdout, run.stdout


@pytest.fixture(scope="module")
def certificate(demo):
    """A readiness certificate of facility 58002 (the reference HIS's session), and the issuer PEM as published."""
    base, tmp, _ = demo
    credential = Credential((tmp / "pki" / "58002.key.pem").read_bytes(), (tmp / "pki" / "58002.cert.pem").read_bytes())
    closed = ReferenceHis(base, "58002_BV", "Demo@58002", "58002", credential).run_session()["closed"]
    assert closed["certificate"], closed
    (tmp / "certificate.jws").write_text(closed["certificate"]["token"])
    token = closed["certificate"]["token"]
    header, payload, signature = token.split(".")
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    (tmp / "tampered.jws").write_text(f"{header}.{tampered}.{signature}")
    (tmp / "issuer.pem").write_bytes(httpx.get(f"{base}/chung-nhan/issuer.pem").content)
    return tmp


@pytest.mark.parametrize("language", clients.LANGUAGES)
def test_each_client_verifies_a_certificate_offline(demo, certificate, language):
    command = clients.build(language, certificate / "build" / language)
    good = subprocess.run([*command, "verify", str(certificate / "certificate.jws"), str(certificate / "issuer.pem")],
                          capture_output=True, text=True, timeout=RUN_SECONDS)
    assert good.returncode == 0 and good.stdout.startswith("VALID: 58002"), good.stdout + good.stderr
    bad = subprocess.run([*command, "verify", str(certificate / "tampered.jws"), str(certificate / "issuer.pem")],
                         capture_output=True, text=True, timeout=RUN_SECONDS)
    assert bad.returncode == 1 and bad.stdout.startswith("INVALID"), bad.stdout + bad.stderr


def test_the_postman_collection_is_generated_from_the_spec():
    assert postman.OUT.read_text(encoding="utf-8") == postman.render(), "run `python -m examples.postman`"


def test_the_postman_collection_runs_with_newman(demo):
    base, tmp, env = demo
    clients.build("node", tmp / "build" / "node")           # npm ci: newman is a dev dependency there
    newman = clients.HERE / "node" / "node_modules" / ".bin" / "newman"
    signed = open(_episode(tmp, env, 410, signed=True)).read()
    run = subprocess.run([str(newman), "run", str(postman.OUT), "--env-var", f"baseUrl={base}",
                          "--env-var", f"fileHSBase64={signed}", "--reporters", "cli", "--color", "off"],
                         capture_output=True, text=True, timeout=RUN_SECONDS)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "the episode is HOP_LE" in run.stdout and "token issued" in run.stdout
    assert hashlib.md5(b"Demo@58001").hexdigest().upper() not in run.stdout   # no secret printed
