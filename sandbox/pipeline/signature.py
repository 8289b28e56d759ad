"""Signature stage: the enveloped XMLDSig in CHUKYDONVI, verified with signxml.

We first read the Signature for diagnostics a facility IT person understands (how many, where,
which algorithms, which reference, which certificate), check the certificate against the
facility's registry on the sandbox clock, then let signxml verify with that registered
certificate as the only trust anchor, the location pinned to CHUKYDONVI and exactly one
reference.  Later stages read only ``signed_root``: what was actually signed.

Signatures are accepted as real signers write them (.NET ``SignedXml``, Java Santuario,
signxml; prefixed or not): SignedInfo is canonicalised in its document context (libxml2's
in-place subtree C14N writes stray ``xmlns=""`` under a default namespace), and a ``Signature
Id`` that is not an ``xs:ID`` (a GUID starting with a digit, as .NET writes) does not fail the
XMLDSig schema check.  No library exception leaves this stage: each becomes a finding.
"""

from __future__ import annotations

import base64
import binascii
import logging
import re
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from lxml import etree
from signxml import DigestAlgorithm, SignatureConfiguration, SignatureMethod, XMLVerifier
from signxml.exceptions import InvalidDigest, InvalidInput, InvalidSignature, SignXMLException

from ..clock import as_utc
from ..reference.xmldsig import C14N_EXCLUSIVE, C14N_INCLUSIVE, DS, ENVELOPED, canonical_subtree
from ..reference import calendar
from ..result_codes import ResultCode as RC
from .findings import WARNING, Finding, finding
from .parsing import signxml_parser
from .stages import StageContext

log = logging.getLogger(__name__)
NS = {"ds": DS}
SIGNED_INFO = f"{{{DS}}}SignedInfo"
C14N_METHODS = frozenset({C14N_INCLUSIVE, C14N_INCLUSIVE + "#WithComments", C14N_EXCLUSIVE,
                          C14N_EXCLUSIVE + "WithComments"})
ALLOWED_TRANSFORMS = C14N_METHODS | {ENVELOPED}
_NCNAME = re.compile(r"^[A-Za-z_][\w.\-]*$")
ALLOWED_METHODS = frozenset({SignatureMethod.RSA_SHA256, SignatureMethod.RSA_SHA384, SignatureMethod.RSA_SHA512,
                             SignatureMethod.ECDSA_SHA256, SignatureMethod.ECDSA_SHA384,
                             SignatureMethod.ECDSA_SHA512})
ALLOWED_DIGESTS = frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512})
CONFIG = dict(location="./CHUKYDONVI/", expect_references=1, signature_methods=ALLOWED_METHODS,
              digest_algorithms=ALLOWED_DIGESTS)


class _Verifier(XMLVerifier):
    """signxml's verifier, reading signatures as .NET and Java signers write them."""

    def _c14n(self, nodes, algorithm, inclusive_ns_prefixes=None):
        exclusive = algorithm.value.startswith(C14N_EXCLUSIVE)
        inner = isinstance(nodes, etree._Element) and (nodes.tag == SIGNED_INFO or nodes.getparent() is not None)
        if inner and not exclusive:  # SignedInfo, or an object a reference "#id" signs: in context
            return canonical_subtree(nodes, exclusive=False, with_comments=algorithm.value.endswith("#WithComments"))
        return super()._c14n(nodes, algorithm, inclusive_ns_prefixes)

    def validate_schema(self, signature):
        # xs:ID must be an NCName; .NET writes a GUID (digit first most of the time).  The Id is
        # never used to resolve anything here (the one Reference is URI=""), so judge the rest.
        # What signers put inside ds:Object (SigningTime properties …) is theirs: never read here, and
        # xmlsec1 does not judge it either.  The signature is copied only when there is something to set aside.
        odd_id = any(not _NCNAME.match(node.get("Id")) for node in signature.iter(etree.Element)
                     if node.get("Id") is not None)
        if not odd_id and not any(len(obj) for obj in signature.findall("ds:Object", NS)):
            return super().validate_schema(signature)
        copy = deepcopy(signature)
        for node in copy.iter(etree.Element):
            value = node.get("Id")
            if value is not None and not _NCNAME.match(value):
                del node.attrib["Id"]
        for obj in copy.findall("ds:Object", NS):
            for child in list(obj):
                obj.remove(child)
        return super().validate_schema(copy)


@dataclass(frozen=True)
class SignatureOutcome:
    findings: tuple[Finding, ...]
    signed_root: etree._Element | None     # None when nothing can be trusted
    fingerprint: str = ""


def _fail(code, vi: str, en: str, xpath: str = "", value: str = "") -> SignatureOutcome:
    return SignatureOutcome((finding(code, hint_vi=vi, hint_en=en, xpath=xpath, value=value),), None)


@lru_cache(maxsize=1024)
def _certificate(pem: str) -> x509.Certificate:
    return x509.load_pem_x509_certificate(pem.encode())


@lru_cache(maxsize=256)
def _key_info_certificate(text: str) -> tuple[x509.Certificate, str]:
    """A KeyInfo certificate and its SHA-256 fingerprint, read once per process (a facility signs
    every envelope with the same one)."""
    cert = x509.load_der_x509_certificate(base64.b64decode(text))
    return cert, cert.fingerprint(hashes.SHA256()).hex()


def _issued_by(cert: x509.Certificate, bundle: bytes) -> bool:
    for ca in x509.load_pem_x509_certificates(bundle):
        try:
            cert.verify_directly_issued_by(ca)
            return True
        except (ValueError, TypeError, Exception):  # noqa: BLE001 - any failure means "not this CA"
            continue
    return False


def verify(payload: bytes, root: etree._Element, ctx: StageContext) -> SignatureOutcome:
    """Judge the signature; never raises (a library exception becomes SIG-015)."""
    try:
        return _verify(payload, root, ctx)
    except Exception as exc:  # noqa: BLE001 - no library exception may end a submission
        log.warning("signature check raised %s", type(exc).__name__)
        return _fail(RC.SIG_UNCHECKABLE, f"lỗi khi đọc chữ ký ({type(exc).__name__})",
                     f"{type(exc).__name__} while reading the signature")


def _references_refused(signature, references) -> SignatureOutcome | None:
    """One Reference URI="" with the enveloped transform covers the document; other references may
    only sign objects inside this Signature (e-invoice signers add a SigningTime property)."""
    whole = [r for r in references if r.get("URI") == ""]
    transforms = [t.get("Algorithm") for t in whole[0].findall("ds:Transforms/ds:Transform", NS)] if whole else []
    if len(whole) != 1 or ENVELOPED not in transforms:
        uris = ", ".join(repr(r.get("URI")) for r in references) or "(không có)"
        return _fail(RC.SIG_REFERENCE, f"Reference hiện có: {uris}", f"references found: {uris}")
    inside = {node.get("Id") for node in signature.iter() if isinstance(node.tag, str) and node.get("Id")
              and node is not signature}
    for ref in references:
        uri = ref.get("URI") or ""
        if uri and (not uri.startswith("#") or uri[1:] not in inside):
            return _fail(RC.SIG_REFERENCE, f"Reference {uri!r} không trỏ tới phần tử nằm trong chữ ký",
                         f"reference {uri!r} does not point inside the signature")
        odd = [t.get("Algorithm") for t in ref.findall("ds:Transforms/ds:Transform", NS)
               if t.get("Algorithm") not in ALLOWED_TRANSFORMS]
        if odd:  # XPath / XSLT transforms could sign less than the document
            return _fail(RC.SIG_REFERENCE, f"Transform không được chấp nhận: {', '.join(map(str, odd))}",
                         f"transform not accepted: {', '.join(map(str, odd))}")
        digest = ref.find("ds:DigestMethod", NS)
        digest_uri = digest.get("Algorithm", "") if digest is not None else ""
        if digest_uri not in {d.value for d in ALLOWED_DIGESTS}:
            return _fail(RC.SIG_ALGORITHM, f"DigestMethod {digest_uri or '(trống)'}; dùng sha256",
                         f"DigestMethod {digest_uri or '(empty)'}; use sha256", value=digest_uri)
    return None


def _verify(payload: bytes, root: etree._Element, ctx: StageContext) -> SignatureOutcome:
    root_path = f"/{root.tag}"
    signatures = root.findall(".//ds:Signature", NS)
    if not signatures:
        basis = calendar.document("ND188-SIGNING").cite   # signing compulsory from 01/01/2026
        if ctx.signature_policy == "pre2026":
            return SignatureOutcome((finding(RC.SIG_UNSIGNED_ALLOWED, WARNING, xpath=f"{root_path}/CHUKYDONVI",
                                             basis=basis),), root)
        return SignatureOutcome((finding(
            RC.SIG_MISSING, hint_vi="ký hồ sơ bằng chứng thư số đã đăng ký của cơ sở, đặt ds:Signature trong CHUKYDONVI "
                                    "(NĐ 188/2025/NĐ-CP Đ69 k9; TT 12/2026/TT-BTC Đ9 k1)",
            hint_en="sign with the facility's registered certificate, ds:Signature inside CHUKYDONVI "
                    "(NĐ 188/2025/NĐ-CP Art. 69(9); TT 12/2026/TT-BTC Art. 9(1))",
            xpath=f"{root_path}/CHUKYDONVI", basis=basis),), None)
    if len(signatures) > 1:
        places = ", ".join(root.getroottree().getpath(s) for s in signatures)
        return _fail(RC.SIG_SEVERAL, f"tìm thấy {len(signatures)} chữ ký: {places}",
                     f"found {len(signatures)} signatures: {places}")
    signature = signatures[0]
    slot = root[-1] if len(root) else None
    if slot is None or slot.tag != "CHUKYDONVI" or signature.getparent() is not slot:
        where = root.getroottree().getpath(signature)
        return _fail(RC.SIG_LOCATION, f"chữ ký đang ở {where}", f"signature found at {where}", where)
    c14n = signature.find("ds:SignedInfo/ds:CanonicalizationMethod", NS)
    c14n_uri = c14n.get("Algorithm", "") if c14n is not None else ""
    if c14n_uri not in C14N_METHODS:
        return _fail(RC.SIG_ALGORITHM, f"CanonicalizationMethod {c14n_uri or '(trống)'}; dùng C14N 1.0 hoặc exc-C14N",
                     f"CanonicalizationMethod {c14n_uri or '(empty)'}; use C14N 1.0 or exclusive C14N", value=c14n_uri)
    method = signature.find("ds:SignedInfo/ds:SignatureMethod", NS)
    method_uri = method.get("Algorithm", "") if method is not None else ""
    if method_uri not in {m.value for m in ALLOWED_METHODS}:
        return _fail(RC.SIG_ALGORITHM, f"SignatureMethod {method_uri or '(trống)'}; dùng rsa-sha256",
                     f"SignatureMethod {method_uri or '(empty)'}; use rsa-sha256", value=method_uri)
    references = signature.findall("ds:SignedInfo/ds:Reference", NS)
    refusal = _references_refused(signature, references)
    if refusal is not None:
        return refusal
    nodes = signature.findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NS)
    if not nodes:
        return _fail(RC.SIG_NO_CERT, "KeyInfo không có X509Certificate", "KeyInfo holds no X509Certificate")
    try:
        chain = [_key_info_certificate("".join(n.itertext()).strip()) for n in nodes]
    except (ValueError, binascii.Error) as exc:
        return _fail(RC.SIG_NO_CERT, "X509Certificate không đọc được", f"unreadable X509Certificate: {exc}")
    # Signers may send the whole chain (.NET X509IncludeOption.WholeChain): the signer's own
    # certificate is the one registered for the facility; signxml then verifies with it alone.
    by_fingerprint = {c.fingerprint: c for c in ctx.certificates}
    cert, fingerprint = next((c for c in chain if c[1] in by_fingerprint), chain[0])
    registered = by_fingerprint.get(fingerprint)
    if registered is None:
        subject = cert.subject.rfc4514_string()
        return _fail(RC.SIG_NOT_REGISTERED,
                     f"chứng thư {subject} (SHA-256 {fingerprint[:16]}…) chưa đăng ký cho cơ sở {ctx.facility_code}",
                     f"certificate {subject} (SHA-256 {fingerprint[:16]}…) is not registered for {ctx.facility_code}",
                     value=fingerprint)
    now = ctx.now
    if registered.revoked_at is not None and as_utc(registered.revoked_at) <= now:
        return _fail(RC.SIG_REVOKED, f"thu hồi lúc {as_utc(registered.revoked_at):%d/%m/%Y %H:%M} UTC",
                     f"revoked at {as_utc(registered.revoked_at):%Y-%m-%d %H:%M} UTC", value=fingerprint)
    if now > as_utc(registered.not_after):
        return _fail(RC.SIG_EXPIRED, f"hết hạn ngày {as_utc(registered.not_after):%d/%m/%Y}",
                     f"expired on {as_utc(registered.not_after):%Y-%m-%d}", value=fingerprint)
    if now < as_utc(registered.not_before):
        return _fail(RC.SIG_NOT_YET_VALID, f"hiệu lực từ ngày {as_utc(registered.not_before):%d/%m/%Y}",
                     f"valid from {as_utc(registered.not_before):%Y-%m-%d}", value=fingerprint)
    if ctx.trusted_ca_pem and not _issued_by(cert, ctx.trusted_ca_pem):
        return _fail(RC.SIG_UNTRUSTED, f"nhà phát hành {cert.issuer.rfc4514_string()}",
                     f"issuer {cert.issuer.rfc4514_string()}", value=fingerprint)
    config = dict(CONFIG, expect_references=len(references))
    try:
        results = _Verifier().verify(payload, x509_cert=_certificate(registered.pem), parser=signxml_parser(),
                                     expect_config=SignatureConfiguration(verification_time=now, **config))
    except InvalidDigest as exc:
        return _fail(RC.SIG_DIGEST, "ký lại sau khi sửa, không sửa hồ sơ sau khi ký", str(exc))
    except etree.DocumentInvalid as exc:
        return _fail(RC.SIG_STRUCTURE, f"theo lược đồ XMLDSig: {str(exc)[:200]}", str(exc)[:300])
    except (InvalidSignature, InvalidInput, SignXMLException) as exc:
        return _fail(RC.SIG_INVALID, "chữ ký không được tạo bằng khóa của chứng thư trong KeyInfo", str(exc)[:300])
    results = results if isinstance(results, list) else [results]
    whole = next(i for i, r in enumerate(references) if r.get("URI") == "")
    signed = results[whole].signed_xml
    if signed is None or signed.tag != root.tag:
        return _fail(RC.SIG_REFERENCE, "phần được ký không phải toàn bộ hồ sơ", "the signed part is not the document")
    return SignatureOutcome((), signed, fingerprint)
