"""The Postman collection of the gateway, generated from openapi/gateway.yaml.

    python -m examples.postman          (writes examples/postman/skdt-sandbox.postman_collection.json)

Every request of the spec, in the order a HIS works (token, look-ups, the episode, its verdict, check-ins, the
sandbox's own calls), with the three token headers from variables. A collection-level pre-request script computes
the password's uppercase MD5 and takes a token when there is none or it is older than 8 minutes (the co-payment
look-up wants one under 10). Each request's test accepts only the statuses the spec documents for it; the
episode's send keeps maGiaoDich and its verdict is polled until DA_XU_LY and must be HOP_LE.
Run it: newman run examples/postman/skdt-sandbox.postman_collection.json --env-var baseUrl=… --env-var fileHSBase64=…
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "postman" / "skdt-sandbox.postman_collection.json"
ORDER = ("Token", "Tra cứu", "Hồ sơ", "Kết quả", "Check-in", "Sandbox")
FIRST = ("/api/qd130/guiHoSoXmlQD3176",)     # the episode is sent before the other profiles' endpoints
AUTH = ("accessToken", "tokenId", "passwordHash")
VALUES = {"username": "{{username}}", "password": "{{passwordHash}}", "loaiHoSo": "130", "maTinh": "{{maTinh}}",
          "maCSKCB": "{{maCSKCB}}", "fileHSBase64": "{{fileHSBase64}}", "maThe": "{{maThe}}", "hoTen": "{{hoTen}}",
          "ngaySinh": "{{ngaySinh}}", "hoTenCb": "{{hoTenCb}}", "cccdCb": "{{cccdCb}}", "maGiaoDich": "{{maGiaoDich}}"}
VARIABLES = {"baseUrl": "http://127.0.0.1:8000", "username": "58001_BV", "password": "Demo@58001", "maTinh": "58",
             "maCSKCB": "58001", "maThe": "DN4585800000001", "hoTen": "Trần Văn An", "ngaySinh": "01/02/1985",
             "hoTenCb": "Nguyễn Thị Thu", "cccdCb": "058190000001",
             "fileHSBase64": "", "maGiaoDich": "", "accessToken": "", "tokenId": "", "passwordHash": "", "tokenTakenAt": ""}
PRE_REQUEST = """// Every gateway call carries accessToken, tokenId and passwordHash (the password's uppercase MD5).
const md5 = require("crypto-js").MD5(pm.variables.get("password")).toString().toUpperCase();
pm.collectionVariables.set("passwordHash", md5);
const taken = Number(pm.collectionVariables.get("tokenTakenAt") || 0);
if (pm.request.url.getPath() !== "/api/token/take" && Date.now() - taken > 8 * 60 * 1000) {
  pm.sendRequest({
    url: pm.variables.get("baseUrl") + "/api/token/take", method: "POST",
    body: {mode: "urlencoded", urlencoded: [{key: "username", value: pm.variables.get("username")}, {key: "password", value: md5}]}
  }, (err, res) => {
    if (err || res.json().maKetQua !== "200") { throw new Error("token refused: " + (err || res.text())); }
    pm.collectionVariables.set("accessToken", res.json().APIKey.access_token);
    pm.collectionVariables.set("tokenId", res.json().APIKey.id_token);
    pm.collectionVariables.set("tokenTakenAt", String(Date.now()));
  });
}"""
SPECIFIC = {
    "/api/token/take": ['pm.test("token issued (maKetQua 200)", () => pm.expect(pm.response.json().maKetQua).to.eql("200"));'],
    "/api/egw/KQNhanLichSuKCB2024": ['pm.test("card valid (maKetQua 000)", () => pm.expect(pm.response.json().maKetQua).to.eql("000"));'],
    "/api/TraCuuCCT/TraCuuTienMCCT": ['pm.test("an answer (MaKetQua 200 or 204)", () => pm.expect(["200", "204"]).to.include(pm.response.json().MaKetQua));'],
    "/api/qd130/guiHoSoXmlQD3176": [
        'pm.test("acknowledged (maKetQua 200)", () => pm.expect(pm.response.json().maKetQua).to.eql("200"));',
        'pm.collectionVariables.set("maGiaoDich", pm.response.json().maGiaoDich);'],
    "/api/qd130/ketQuaTiepNhan": [
        "// polled until processed (DA_TIEP_NHAN → DANG_XU_LY → DA_XU_LY), at most 60 times",
        "const answer = pm.response.json(), polls = Number(pm.collectionVariables.get(\"polls\") || 0);",
        "if (answer.trangThai !== \"DA_XU_LY\" && polls < 60) {",
        "  pm.collectionVariables.set(\"polls\", String(polls + 1));",
        "  setTimeout(() => {}, 1000);",
        "  postman.setNextRequest(pm.info.requestName);",
        "} else {",
        "  pm.test(\"the episode is HOP_LE\", () => pm.expect((answer.dsHoSo || []).map(h => h.trangThai)).to.eql([\"HOP_LE\"]));",
        "}"],
}


def _body(operation: dict, spec: dict) -> dict | None:
    content = operation.get("requestBody", {})
    if "$ref" in content:
        content = spec["components"]["requestBodies"][content["$ref"].rsplit("/", 1)[1]]
    content = content.get("content", {})
    for media, mode in (("application/x-www-form-urlencoded", "urlencoded"), ("application/json", "raw")):
        if media not in content:
            continue
        schema = content[media]["schema"]
        if "$ref" in schema:
            schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        fields = {name: VALUES.get(name, "") for name in schema.get("properties", {})}
        if mode == "urlencoded":
            return {"mode": "urlencoded", "urlencoded": [{"key": k, "value": v} for k, v in fields.items()]}
        return {"mode": "raw", "raw": json.dumps(fields, ensure_ascii=False, indent=2), "options": {"raw": {"language": "json"}}}
    return None


def _request(path: str, method: str, operation: dict, spec: dict) -> dict:
    names = set()
    for p in operation.get("parameters", []):
        names.add(spec["components"]["parameters"][p["$ref"].rsplit("/", 1)[1]]["name"] if "$ref" in p else p["name"])
    query = [{"key": p["name"], "value": VALUES.get(p["name"], "")} for p in operation.get("parameters", [])
             if "$ref" not in p and p["in"] == "query" and p.get("required")]
    statuses = sorted(int(s) for s in operation["responses"])
    tests = [f'pm.test("a documented status ({", ".join(map(str, statuses))})", '
             f'() => pm.expect({json.dumps(statuses)}).to.include(pm.response.code));', *SPECIFIC.get(path, [])]
    request = {"method": method.upper(), "header": [{"key": h, "value": "{{%s}}" % h} for h in AUTH if h in names],
               "url": {"raw": "{{baseUrl}}" + path + ("?" + "&".join(f"{q['key']}={q['value']}" for q in query) if query else ""),
                       "host": ["{{baseUrl}}"], "path": path.strip("/").split("/"), **({"query": query} if query else {})},
               "description": operation.get("description", operation.get("summary", ""))}
    body = _body(operation, spec)
    if body:
        request["body"] = body
    return {"name": f"{method.upper()} {path} — {operation.get('summary', '')}", "request": request,
            "event": [{"listen": "test", "script": {"type": "text/javascript", "exec": tests}}]}


def collection() -> dict:
    spec = yaml.safe_load((ROOT / "openapi" / "gateway.yaml").read_text(encoding="utf-8"))
    folders: dict[str, list] = {tag: [] for tag in ORDER}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            entry = _request(path, method, operation, spec)
            folder = folders[operation["tags"][0]]
            folder.insert(0, entry) if path in FIRST else folder.append(entry)
    tags = {t["name"]: t.get("description", "") for t in spec.get("tags", [])}
    return {
        "info": {"name": "skdt-sandbox — Cổng tiếp nhận dữ liệu giám định BHYT (sandbox)",
                 "description": "Generated from openapi/gateway.yaml by `python -m examples.postman`; do not edit. "
                                "Set baseUrl, username, password, and fileHSBase64 (skdt-sandbox sample 58001 --base64).",
                 "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": tag, "description": tags.get(tag, ""), "item": items} for tag, items in folders.items() if items],
        "event": [{"listen": "prerequest", "script": {"type": "text/javascript", "exec": PRE_REQUEST.splitlines()}}],
        "variable": [{"key": k, "value": v} for k, v in VARIABLES.items()],
    }


def render() -> str:
    return json.dumps(collection(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
