from tests.province.helpers import certify, episodes, province_user, seed


def test_smoke(ctx, client):
    seed(ctx)
    province_user(ctx)
    cid = certify(ctx, "58001")
    episodes(ctx, "58001", 8, 2)
    r = client.post("/so-y-te/api/token", json={"username": "syt.ninhthuan", "password": "Tinh@2026!"})
    assert r.status_code == 200, r.text
    h = {"Authorization": "Bearer " + r.json()["token"]}
    b = client.get("/so-y-te/api/board", headers=h)
    assert b.status_code == 200, b.text
    print(b.json()["summary"])
    f = client.get("/so-y-te/api/facilities/58001", headers=h)
    assert f.status_code == 200, f.text
    s = client.post("/so-y-te/api/facilities/58001/sign-off", headers=h, json={"decision": "ready"})
    assert s.status_code == 201, s.text
    v = client.get(f"/so-y-te/api/statements/{s.json()['id']}")
    print(v.json()["lyDo"])
    x = client.get("/so-y-te/api/facilities/62001", headers=h)
    print(x.status_code, x.json())
    client.post("/so-y-te/dang-nhap", data={"username": "syt.ninhthuan", "password": "Tinh@2026!"})
    for path in ("/so-y-te/bang", "/so-y-te/co-so/58001", "/so-y-te/chien-dich", "/so-y-te/dinh-ky", "/so-y-te/thiet-lap",
                 "/so-y-te/bang.xlsx", "/so-y-te/bang.pdf", "/so-y-te/bang.csv", "/so-y-te/dinh-ky/2026-H2.xlsx",
                 "/so-y-te/dinh-ky/2026-H2.pdf", f"/so-y-te/xac-nhan/{s.json()['id']}.pdf", "/so-y-te/co-so/58001.pdf"):
        r = client.get(path)
        print(path, r.status_code, r.headers.get("content-type"))
        assert r.status_code == 200, r.text[:2000]
