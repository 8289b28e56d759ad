"""Generated episodes of every form of care are accepted over HTTP, in every profile."""

import pytest

from fixtures.envelope import envelope
from fixtures.generator import FORMS, generate

ENDPOINT = {"QD130": "guiHoSoXmlQD130", "QD4750": "guiHoSoXmlQD4750", "QD3176": "guiHoSoXmlQD3176"}


@pytest.mark.parametrize("profile", ENDPOINT)
def test_every_form_of_care_is_accepted(his, profile):
    docs = [generate(seed, "58001", form).documents(profile) for seed, form in enumerate(FORMS, start=20)]
    docs.append(generate(30, "58001", "noi_tru", referral_to="58011").documents(profile))
    result = his.submit_ok(envelope("58001", docs), ENDPOINT[profile])
    assert result["dsLoi"] == []
    assert [(h["trangThai"], h["dsLoi"]) for h in result["dsHoSo"]] == [("HOP_LE", [])] * len(docs)
