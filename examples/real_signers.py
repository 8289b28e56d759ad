"""Corpus samples signed by the real libraries HIS use, not re-creations: .NET SignedXml (Mono), Java Apache
Santuario and Node's xml-crypto, each through its example client's ``sign`` command, over the episode the
other vendor samples use and with the corpus facility's key.

    python -m examples.real_signers      (the toolchains of examples/clients.py; writes fixtures/corpus/real-signers/)
    python -m fixtures.corpus            (lists them in the manifest; the corpus test sends them and asks xmlsec1)

They are committed: the corpus test runs them on any machine, with or without Mono, a JDK or Node.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from fixtures.corpus import FACILITY, HERE as CORPUS
from fixtures.envelope import envelope
from fixtures.generator import generate

from .clients import JAVA_CLASSPATH, LIBRARY, build, key_arguments

FOLDER = CORPUS / "real-signers"
SIGNERS = {"csharp": "real_dotnet_signedxml", "java": "real_java_santuario", "node": "real_node_xml_crypto"}
VERSION = {"csharp": ["mono", "--version"], "java": ["java", "-version"],
           "node": ["node", "-p", "'node ' + process.version + ', xml-crypto ' + require('xml-crypto/package.json').version"]}


def _version(language: str) -> str:
    done = subprocess.run(VERSION[language], capture_output=True, text=True, cwd=Path(__file__).parent / "node")
    version = (done.stdout or done.stderr).strip().splitlines()[0]
    if language == "java":   # the Santuario jar Debian links xmlsec.jar to
        version += ", " + Path(JAVA_CLASSPATH[0]).resolve().stem.replace("xmlsec-", "Santuario ")
    return version


def write() -> dict:
    FOLDER.mkdir(parents=True, exist_ok=True)
    base = envelope(FACILITY, [generate(13, FACILITY, "kham").documents()])
    listing = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "episode.xml").write_bytes(base)
        key, cert = CORPUS / "pki" / "facility.key.pem", CORPUS / "pki" / "facility.cert.pem"
        (tmp / "facility.key.pem").write_bytes(key.read_bytes())
        for language, name in SIGNERS.items():
            command = build(language, tmp / language)
            out = FOLDER / f"{name}.xml"
            subprocess.run([*command, "sign", *key_arguments(language, tmp / "facility.key.pem", cert),
                            str(tmp / "episode.xml"), str(out)], check=True, capture_output=True, timeout=300)
            listing[name] = {"language": language, "library": LIBRARY[language], "version": _version(language)}
    (FOLDER / "signers.json").write_text(json.dumps(listing, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return listing


if __name__ == "__main__":
    for name, signer in write().items():
        print(f"{name}: {signer['library']} — {signer['version']}")
