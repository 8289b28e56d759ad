"""Every answer carries the headers a gateway serving health data should: nosniff, no framing, no referrer,
a content security policy on pages, and no-store unless the answer is public (the issuer's keys)."""

import pytest


@pytest.mark.parametrize("path", ["/", "/portal/login", "/vneid/dang-nhap", "/so-y-te/dang-nhap", "/van-ban",
                                  "/api/sandbox/van-ban", "/portal/xuat.csv"])
def test_pages_and_answers_carry_the_security_headers(client, path):
    answer = client.get(path, follow_redirects=False)
    h = answer.headers
    assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"
    assert h["referrer-policy"] == "no-referrer" and "frame-ancestors 'none'" in h["content-security-policy"]
    assert h["cache-control"] == "no-store"


def test_the_fast_path_and_public_keys(client, his):
    answer = client.post("/api/egw/KQNhanLichSuKCB2024", json={"maThe": "x"}, headers=his.tokens)
    assert answer.headers["cache-control"] == "no-store" and answer.headers["x-content-type-options"] == "nosniff"
    assert client.get("/.well-known/jwks.json").headers["cache-control"].startswith("public")
