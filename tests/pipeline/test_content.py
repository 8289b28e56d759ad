""""The same content" as the gateway's duplicate rule sees it: the same episodes whatever the signature
(a .NET SignedXml HIS writes a fresh GUID Id on every send), and nothing else."""

import base64

from fixtures.signing import sign
from sandbox.pipeline.content import content_key
from tests.plugins.gateway import checkin_document, episode_envelope

LIMIT = 10**8


def _key(document: bytes, credential, **kw) -> str:
    signed = sign(document, credential.key_pem, credential.cert_pem, **kw) if credential else document
    return content_key(base64.b64encode(signed).decode(), LIMIT)


def test_an_envelope_signed_anew_is_the_same_content(credentials):
    cred = credentials("58001")
    document = episode_envelope(seed=3)
    first, again = _key(document, cred, style="dotnet"), _key(document, cred, style="dotnet")
    assert first == again == _key(document, cred, style="santuario") == _key(document, None)
    assert _key(episode_envelope(seed=4), cred, style="dotnet") != first


def test_the_episodes_decide_not_their_order_in_the_envelope(credentials):
    from fixtures.envelope import envelope
    from fixtures.generator import generate
    a, b = generate(1, "58001", "kham").documents(), generate(2, "58001", "kham").documents()
    assert _key(envelope("58001", [a, b]), None) == _key(envelope("58001", [b, a]), None)
    assert _key(envelope("58001", [a]), None) != _key(envelope("58001", [a, b]), None)


def test_a_check_in_signed_anew_is_the_same_content(credentials):
    cred = credentials("58001")
    document = checkin_document(ma_lk="LK7")
    assert _key(document, cred, style="dotnet") == _key(document, cred, style="dotnet")
    assert _key(checkin_document(ma_lk="LK8"), cred, style="dotnet") != _key(document, cred, style="dotnet")


def test_what_cannot_be_read_is_only_the_same_as_itself():
    assert content_key("", LIMIT) == ""
    assert content_key("bm90IFhNTA==", LIMIT) == content_key("bm90 IFhN\nTA==", LIMIT) != content_key("b3RoZXI=", LIMIT)
