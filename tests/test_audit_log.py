"""The audit log (issue 23, finding 8): every administrative and province decision is kept with who, what, on
what and when — identifiers only — and read through GET /admin/api/audit."""

from conformance import service
from province import signoff
from tests.province.helpers import certify, province_user, seed

ADMIN = {"X-Admin-Token": "test-admin-token"}


def test_decisions_are_kept_with_who_what_and_when(ctx, client):
    made = client.post("/admin/api/facilities", headers=ADMIN, json={"code": "58999", "name": "Phòng khám thử"})
    assert made.status_code in (200, 201), made.text
    client.post("/admin/api/accounts", headers=ADMIN, json={"username": "58999_BV", "facility": "58999",
                                                            "password": "Bi@mat-2026"})
    seed(ctx)
    certificate = certify(ctx, "58001")
    who = province_user(ctx)
    signoff.decide(ctx, who, "58001", "refused", "thiếu đầu đọc thẻ")
    service.revoke(ctx, certificate if isinstance(certificate, str) else certificate["id"], "đổi phiên bản")
    events = client.get("/admin/api/audit", headers=ADMIN).json()["suKien"]
    seen = {(e["role"], e["action"], e["target"]) for e in events}
    assert ("admin", "add_facility", "58999") in seen and ("admin", "add_account", "58999_BV") in seen, seen
    assert ("SYT", "sign_off", "58001") in seen and any(a == "revoke_certificate" for _, a, _ in seen), seen
    sign = next(e for e in events if e["action"] == "sign_off")
    assert sign["actor"] == "syt.ninhthuan" and sign["detail"] == {"province": "56", "decision": "refused"}
    assert events[0]["at"] >= events[-1]["at"]                           # newest first
    assert "Bi@mat-2026" not in str(events) and "thiếu đầu đọc thẻ" not in str(events)   # no secrets, no free text
    assert client.get("/admin/api/audit").status_code in (401, 403)
