"""What "the same content" means, written once.

The gateway calls a HOSO a duplicate when its decoded files (LOAIHOSO and NOIDUNGFILE bytes) are those
of the facility's current version of that MA_LK (DUP-001), whatever the envelope's bytes: a HIS that
signs as .NET ``SignedXml`` does writes a fresh GUID ``Id`` on every signature, so a resend of the same
episodes never has the same bytes.  The conformance harness compares sends by the same key
(``content_key``), so a HIS is judged on its episodes exactly as the gateway judges them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from lxml import etree

from ..reference.xmldsig import DS
from .parsing import ROOT_HOSO, XmlRefused, decode_base64, parse_document, text_of


def hoso_digest(files: Iterable[tuple[str, bytes | None]]) -> str:
    """One HOSO's digest: its files (LOAIHOSO, decoded bytes) in LOAIHOSO order."""
    h = hashlib.sha256()
    for loai, raw in sorted(files, key=lambda f: f[0]):
        h.update(loai.encode() + b"\x00" + (raw or b"") + b"\x00")
    return h.hexdigest()


def _envelope_key(root: etree._Element, limit: int) -> str:
    """The set of the envelope's HOSO digests: its episodes, not its signature or its order."""
    digests = []
    for node in root.iterfind("THONGTINHOSO/DANHSACHHOSO/HOSO"):
        files = []
        for fnode in node.iterfind("FILEHOSO"):
            content = fnode.find("NOIDUNGFILE")
            try:
                raw = decode_base64("".join(content.itertext()) if content is not None else "", limit)
            except XmlRefused:
                raw = None
            files.append((text_of(fnode, "LOAIHOSO").upper(), raw))
        digests.append(hoso_digest(files))
    return hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()


def _document_key(root: etree._Element) -> str:
    """Any other document (check-in XML0, XML12): its canonical form without its signatures."""
    for signature in root.findall(f".//{{{DS}}}Signature"):
        signature.getparent().remove(signature)
    return hashlib.sha256(etree.tostring(root, method="c14n")).hexdigest()


def content_key(file_b64: str, limit: int) -> str:
    """The key two sends share when the gateway would take them for the same content ("" for none).
    What cannot be decoded or parsed is keyed by its text: it can only be the same as itself."""
    text = "".join(file_b64.split())
    if not text:
        return ""
    try:
        root = parse_document(decode_base64(text, limit))
    except XmlRefused:
        return hashlib.sha256(text.encode("ascii", "replace")).hexdigest()
    return _envelope_key(root, limit) if root.tag == ROOT_HOSO else _document_key(root)
