"""xmlsec1 (Debian's, the reference implementation of XMLDSig) as an independent judge of a signature.

It is given the public key of the first X509Certificate in the sample's KeyInfo, so its verdict
is the cryptographic one only (digest and signature value); certificate policy (registry,
validity, revocation, CA) is the sandbox's own business.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

XMLSEC1 = shutil.which("xmlsec1") or "/usr/bin/xmlsec1"
_CERT = re.compile(rb"<(?:\w+:)?X509Certificate>(.*?)</(?:\w+:)?X509Certificate>", re.S)
_ID_OWNER = re.compile(rb"<(\w+)(?::(\w+))?\b[^>]*\sId=")


def available() -> bool:
    return Path(XMLSEC1).exists()


def verdict(payload: bytes) -> str:
    """'valid' when xmlsec1 verifies the first signature, else 'invalid'."""
    found = _CERT.search(payload)
    if found is None:
        return "invalid"
    der = base64.b64decode(re.sub(rb"&#13;|&#xD;|\s", b"", found.group(1)))
    pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der) + b"-----END CERTIFICATE-----\n"
    with tempfile.TemporaryDirectory() as tmp:
        cert, doc = Path(tmp) / "signer.pem", Path(tmp) / "doc.xml"
        cert.write_bytes(pem)
        doc.write_bytes(payload)
        # Id attributes are IDs only when declared; declare every element that carries one, so a
        # Reference "#id" resolves as its signer meant (xmlsec1 then judges the signature, not us).
        owners = sorted({(m.group(2) or m.group(1)).decode() for m in _ID_OWNER.finditer(payload)})
        id_args = [a for name in owners for a in ("--id-attr:Id", name)]
        run = subprocess.run([XMLSEC1, "--verify", "--pubkey-cert-pem", str(cert), *id_args, str(doc)],
                             capture_output=True, timeout=60)
    return "valid" if run.returncode == 0 else "invalid"
