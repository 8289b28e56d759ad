"""No personal data or secrets in the logs: every error path is driven and the log searched for personal
IDs, card numbers, names, passwords and tokens."""

import logging

from fixtures.envelope import envelope
from fixtures.generator import generate
from sandbox.security import md5_upper
from tests.health_book.conftest import AN, PASSWORD, Citizen, population  # noqa: F401 - fixture


def test_error_paths_leave_no_personal_data_in_the_logs(population, his  # noqa: F811
                                                        , client, caplog):
    caplog.set_level(logging.DEBUG)
    secrets = {AN.personal_id, AN.card, AN.name, PASSWORD, his.password, md5_upper(his.password),
               his.tokens["accessToken"], his.tokens["tokenId"]}
    client.post("/api/token/take", data={"username": his.username, "password": md5_upper("sai-" + his.password)})
    client.post("/api/token/take", content=b'{"username":"\xff","password":"' + his.password.encode() + b'"}',
                headers={"Content-Type": "application/json"})
    citizen = Citizen(client, AN.personal_id)
    citizen.login("sai-" + PASSWORD)
    citizen.login(PASSWORD)
    citizen.passcode("000000")
    citizen.open_book()
    shared = citizen.post("/health-book/share").json()
    code = shared.get("maChiaSe") or shared.get("code") or ""
    assert code, shared
    if code:
        secrets.add(code)
        client.get(f"/vneid/api/facility/share/{code}", headers=his.tokens)
        client.get(f"/vneid/api/facility/share/{code}x", headers=his.tokens)
    client.post("/api/egw/KQNhanLichSuKCB2024", json={"maThe": AN.card, "hoTen": AN.name, "ngaySinh": "01021985",
                                                      "hoTenCb": "Không Có", "cccdCb": "058190009999"}, headers=his.tokens)
    episode = generate(3, "58001", "kham", patient=AN)
    his.submit(envelope("58001", [episode.documents()]), sign=False)          # SIG-001
    his.submit(envelope("58001", [episode.documents()]))                      # accepted
    his.result("0" * 32)
    client.get(f"/vneid/api/health-book/visits?cho={AN.personal_id}", headers={"X-VNeID-Session": "forged"})
    # the sandbox's own records (httpx logs the test client's requests, which are not the server's logs)
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records if not r.name.startswith("httpx"))
    assert text, "nothing was logged: the test would pass vacuously"
    leaked = sorted(s for s in secrets if s and s in text)
    assert leaked == [], f"found in the logs: {leaked}"
