"""The access log (issue 23, finding 8): one line per request — method, route template, status, time, facility —
and nothing personal: no path segments, no query string, no card, name, personal ID, token or share code."""

import logging

from fixtures.envelope import envelope
from fixtures.generator import generate
from tests.health_book.conftest import AN


def _lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "skdt.access"]


def test_each_request_is_one_line_with_its_route_template_and_facility(client, his, caplog):
    caplog.set_level(logging.INFO, logger="skdt.access")
    sent = his.submit_ok(envelope("58001", [generate(3, "58001", "kham", patient=AN).documents()]))
    client.get("/api/qd130/ketQuaTiepNhan", params={"maGiaoDich": sent["maGiaoDich"]}, headers=his.tokens)
    client.post("/api/egw/KQNhanLichSuKCB2024", headers=his.tokens,
                json={"maThe": AN.card, "hoTen": AN.name, "ngaySinh": "01021985", "hoTenCb": "Nguyễn Thị Thu",
                      "cccdCb": "058190000001"})
    client.get(f"/vneid/api/facility/share/ABCDEFGH?ngaySinh=01021985", headers=his.tokens)
    client.get("/khong-co-trang-nay")
    lines = _lines(caplog)
    assert any("method=POST route=/api/qd130/guiHoSoXmlQD3176 status=200" in x and "facility=58001" in x for x in lines), lines
    assert any("route=/api/qd130/ketQuaTiepNhan status=200" in x and "facility=58001" in x for x in lines), lines
    assert any("route=/api/egw/KQNhanLichSuKCB2024" in x and "facility=58001" in x for x in lines), lines
    assert any("route=/vneid/api/facility/share/<code>" in x or "route=/vneid/api/facility/share/{code}" in x
               for x in lines), lines
    assert any("route=(không khớp tuyến) status=404" in x for x in lines), lines
    text = "\n".join(lines)
    for secret in (AN.card, AN.name, AN.personal_id, "ABCDEFGH", "01021985", his.tokens["accessToken"], sent["maGiaoDich"]):
        assert secret not in text, secret
