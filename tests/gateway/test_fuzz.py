"""Property-based: no input crashes the pipeline or gets a 5xx from the gateway."""

import base64

from hypothesis import HealthCheck, given, settings, strategies as st

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox.pipeline.runner import evaluate
from sandbox.pipeline.stages import StageContext
from datetime import datetime, timezone

BASE = envelope("58001", [generate(1, "58001", "kham").documents()])
CTX = StageContext("HOSO", "QD3176", "58001", datetime.now(timezone.utc), signature_policy="pre2026")


def mutate(data: bytes, edits) -> bytes:
    out = bytearray(data)
    for pos, value in edits:
        if out:
            out[pos % len(out)] = value
    return bytes(out)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8))
def test_evaluate_never_raises_on_mutated_envelopes(edits):
    evaluate(mutate(BASE, edits), CTX, 10**7)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_evaluate_never_raises_on_random_bytes(data):
    evaluate(data, CTX, 10**7)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["username", "loaiHoSo", "maTinh", "maCSKCB", "fileHSBase64"]),
       value=st.one_of(st.text(max_size=60), st.binary(max_size=300).map(lambda b: base64.b64encode(b).decode())),
       edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=4))
def test_gateway_never_answers_5xx(his, field, value, edits):
    # his fixture is created once per test function (per backend); hypothesis reuses it.
    form = his.form(mutate(BASE, edits))
    form[field] = value
    response = his.client.post("/api/qd130/guiHoSoXmlQD3176", data=form, headers=his.tokens)
    assert response.status_code < 500, response.text
    body = response.json()
    assert body["maKetQua"] in {"200", "205", "123", "401", "403", "1001"}
    if body["maKetQua"] == "200":
        result = his.result(body["maGiaoDich"]).json()
        assert result["trangThai"] == "DA_XU_LY"
