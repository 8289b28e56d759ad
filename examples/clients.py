"""Build and run the example HIS clients (C#, Java, Node, Python) — for the test that runs each against a live
sandbox, and for the corpus samples signed by the real libraries (fixtures/real_signers.py).

Debian packages: mono-mcs and libmono-system-{security,net-http,runtime-serialization,xml-linq}4.0-cil (C#),
default-jdk-headless and libxml-security-java (Java), nodejs and npm (Node; `npm ci` in examples/node).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import PrivateFormat, load_pem_private_key, pkcs12

HERE = Path(__file__).resolve().parent
LANGUAGES = ("csharp", "java", "node", "python")
LIBRARY = {"csharp": ".NET SignedXml (Mono, System.Security)", "java": "Apache Santuario (libxml-security-java)",
           "node": "xml-crypto (npm)", "python": "signxml (PyPI)"}
JAVA_CLASSPATH = ["/usr/share/java/xmlsec.jar", "/usr/share/java/slf4j-api.jar", "/usr/share/java/slf4j-nop.jar"]
MONO_REFERENCES = ["System.Security.dll", "System.Net.Http.dll", "System.Runtime.Serialization.dll", "System.Xml.Linq.dll"]
P12_PASSWORD = "p12-demo"


def build(language: str, out: Path) -> list[str]:
    """Compile (or install) the client; returns the command that runs it."""
    out.mkdir(parents=True, exist_ok=True)
    if language == "csharp":
        exe = out / "HisClient.exe"
        _run(["mcs", *[f"-r:{r}" for r in MONO_REFERENCES], f"-out:{exe}", str(HERE / "csharp" / "HisClient.cs")])
        return ["mono", str(exe)]
    if language == "java":
        classpath = ":".join(JAVA_CLASSPATH)
        _run(["javac", "-d", str(out), "-cp", classpath, str(HERE / "java" / "HisClient.java")])
        return ["java", "-cp", f"{classpath}:{out}", "HisClient"]
    if language == "node":
        if not (HERE / "node" / "node_modules" / "xml-crypto").exists():
            _run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE / "node")
        return ["node", str(HERE / "node" / "his-client.js")]
    if language == "python":
        return [sys.executable, str(HERE / "python" / "his_client.py")]
    raise ValueError(language)


def key_arguments(language: str, key_pem: Path, cert_pem: Path) -> list[str]:
    """C# and Java read the facility's key as HIS do, from a PKCS#12 file (USB-token export); Node and Python from PEM."""
    if language in ("csharp", "java"):
        p12 = key_pem.with_suffix(".p12")
        if not p12.exists():
            write_p12(key_pem.read_bytes(), cert_pem.read_bytes(), p12)
        return [str(p12), P12_PASSWORD]
    return [str(key_pem), str(cert_pem)]


def write_p12(key_pem: bytes, cert_pem: bytes, path: Path, password: str = P12_PASSWORD) -> None:
    """A PKCS#12 with the older algorithms (3DES, SHA-1 MAC) that Mono and every Java read."""
    encryption = (PrivateFormat.PKCS12.encryption_builder().kdf_rounds(2048)
                  .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(hashes.SHA1())
                  .build(password.encode()))
    path.write_bytes(pkcs12.serialize_key_and_certificates(b"facility", load_pem_private_key(key_pem, None),
                                                           x509.load_pem_x509_certificate(cert_pem), None, encryption))


def _run(command: list[str], cwd: Path | None = None) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[:2])} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
