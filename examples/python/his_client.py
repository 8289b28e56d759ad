"""A HIS client of the BHXH gateway in Python: token, card look-up, signed episode, verdict; and offline
verification of a readiness certificate. The same calls work against the real gateway: only BASE changes.

    pip install signxml            # lxml and cryptography come with it
    python his_client.py send BASE USERNAME PASSWORD KEY.pem CERT.pem EPISODE.xml
    python his_client.py verify CERTIFICATE.jws ISSUER.pem
    python his_client.py sign KEY.pem CERT.pem EPISODE.xml SIGNED.xml     (sign only: compare with your HIS's file)

Exit status 0 when the episode is HOP_LE (send) or the certificate is valid (verify).
The officer at reception (hoTenCb, cccdCb): HIS_OFFICER_NAME, HIS_OFFICER_ID.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
import time
import urllib.parse
import urllib.request

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from lxml import etree
from signxml import XMLSigner, methods

DS = "http://www.w3.org/2000/09/xmldsig#"


def call(base: str, path: str, *, form: dict | None = None, body: dict | None = None, headers: dict | None = None,
         query: dict | None = None) -> dict:
    url = base.rstrip("/") + path + ("?" + urllib.parse.urlencode(query) if query else "")
    data, kind = None, None
    if form is not None:
        data, kind = urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded"
    elif body is not None:
        data, kind = json.dumps(body).encode(), "application/json"
    request = urllib.request.Request(url, data=data, headers={**(headers or {}), **({"Content-Type": kind} if kind else {})})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def sign(document: bytes, key_pem: bytes, cert_pem: bytes) -> bytes:
    """Enveloped XMLDSig (Reference URI="", RSA-SHA256, SHA-256) inside CHUKYDONVI, the certificate in KeyInfo."""
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    slot = root.find("CHUKYDONVI")
    if slot is None:
        slot = etree.SubElement(root, "CHUKYDONVI")
    etree.SubElement(slot, f"{{{DS}}}Signature", Id="placeholder", nsmap={"ds": DS})  # where signxml puts it
    signed = XMLSigner(method=methods.enveloped, signature_algorithm="rsa-sha256", digest_algorithm="sha256",
                       c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#").sign(root, key=key_pem, cert=cert_pem.decode())
    return etree.tostring(signed, xml_declaration=True, encoding="utf-8")


def patient(document: bytes) -> dict:
    """Card, name and birth date of the episode's patient, from its XML1 (the HIS knows them anyway)."""
    root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True))
    for f in root.iter("FILEHOSO"):
        if f.findtext("LOAIHOSO") == "XML1":
            xml1 = etree.fromstring(base64.b64decode(f.findtext("NOIDUNGFILE")))
            born = xml1.findtext(".//NGAY_SINH")                       # yyyyMMddHHmm
            return {"maThe": xml1.findtext(".//MA_THE_BHYT"), "hoTen": xml1.findtext(".//HO_TEN"),
                    "ngaySinh": born[6:8] + born[4:6] + born[0:4]}    # ddMMyyyy for the card check
    raise SystemExit("the episode has no XML1")


def send(base: str, username: str, password: str, key_file: str, cert_file: str, episode_file: str) -> int:
    md5 = hashlib.md5(password.encode()).hexdigest().upper()          # the password travels as its uppercase MD5
    token = call(base, "/api/token/take", form={"username": username, "password": md5})
    if token.get("maKetQua") != "200":
        print("token refused:", token.get("maLoi"), token.get("thongDiep"))
        return 1
    headers = {"accessToken": token["APIKey"]["access_token"], "tokenId": token["APIKey"]["id_token"], "passwordHash": md5}
    document = open(episode_file, "rb").read()
    card = call(base, "/api/egw/KQNhanLichSuKCB2024", headers=headers,
                body={**patient(document), "hoTenCb": os.environ.get("HIS_OFFICER_NAME", "Nguyễn Thị Thu"),
                      "cccdCb": os.environ.get("HIS_OFFICER_ID", "058190000001")})
    print("card check: maKetQua", card.get("maKetQua"))
    signed = sign(document, open(key_file, "rb").read(), open(cert_file, "rb").read())
    sent = call(base, "/api/qd130/guiHoSoXmlQD3176", headers=headers, form={
        "username": username, "loaiHoSo": "130", "maTinh": username[:2], "maCSKCB": username.split("_")[0],
        "fileHSBase64": base64.b64encode(signed).decode()})
    if sent.get("maKetQua") != "200":
        print("not acknowledged:", sent.get("maLoi"), sent.get("thongDiep"))
        return 1
    print("sent: maGiaoDich", sent["maGiaoDich"])
    for _ in range(120):                                              # DA_TIEP_NHAN → DANG_XU_LY → DA_XU_LY
        result = call(base, "/api/qd130/ketQuaTiepNhan", headers=headers, query={"maGiaoDich": sent["maGiaoDich"]})
        if result.get("trangThai") == "DA_XU_LY":
            break
        time.sleep(1)
    verdicts = [h["trangThai"] for h in result.get("dsHoSo", [])]
    print("verdict:", *verdicts)
    for error in result.get("dsLoi", []) + [e for h in result.get("dsHoSo", []) for e in h.get("dsLoi", [])]:
        print("  ", error.get("maLoi"), error.get("thongDiep"))       # why: the envelope's errors, then each HOSO's
    return 0 if verdicts == ["HOP_LE"] else 1


def b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify(token_file: str, issuer_file: str) -> int:
    """RS256 over 'header.payload' with the issuer certificate's public key; issuer name and expiry checked."""
    token = open(token_file).read().strip()
    header, payload, signature = token.split(".")
    if json.loads(b64url(header)).get("alg") != "RS256":
        print("INVALID: algorithm")
        return 1
    key = x509.load_pem_x509_certificate(open(issuer_file, "rb").read()).public_key()
    try:
        key.verify(b64url(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except Exception:  # noqa: BLE001 - InvalidSignature: a byte was changed, or another issuer signed it
        print("INVALID: signature does not match")
        return 1
    claims = json.loads(b64url(payload))
    if claims.get("iss") != "skdt-sandbox" or claims["exp"] < time.time():
        print("INVALID: issuer or expiry")
        return 1
    print("VALID:", claims["facility"]["code"], claims["software"]["name"], claims["software"]["version"],
          "report sha256", claims["report"]["sha256"])
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 8 and sys.argv[1] == "send":
        sys.exit(send(*sys.argv[2:]))
    if len(sys.argv) == 6 and sys.argv[1] == "sign":
        key, cert, episode, out = sys.argv[2:]
        open(out, "wb").write(sign(open(episode, "rb").read(), open(key, "rb").read(), open(cert, "rb").read()))
        sys.exit(0)
    if len(sys.argv) == 4 and sys.argv[1] == "verify":
        sys.exit(verify(*sys.argv[2:]))
    sys.exit(__doc__)
