"""Check a live answer against the response schema a spec declares for it (OpenAPI 3.0: ``nullable``
turned into JSON Schema's null type, ``$ref`` resolved inside the spec)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jsonschema
import yaml

OPENAPI = Path(__file__).resolve().parents[2] / "openapi"


def _json_schema(node):
    if isinstance(node, list):
        return [_json_schema(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v) for k, v in node.items() if k not in ("nullable", "example", "x-examples")}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "#/$defs/")
    if node.get("nullable"):
        return {"anyOf": [out, {"type": "null"}]}
    return out


@lru_cache(maxsize=None)
def _spec(name: str) -> dict:
    return yaml.safe_load((OPENAPI / name).read_text(encoding="utf-8"))


def response_schema(spec: str, path: str, method: str, status: int, media: str = "application/json") -> dict:
    doc = _spec(spec)
    response = doc["paths"][path][method.lower()]["responses"][str(status)]
    if "$ref" in response:
        response = doc["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = _json_schema(response["content"][media]["schema"])
    schema["$defs"] = {k: _json_schema(v) for k, v in doc.get("components", {}).get("schemas", {}).items()}
    return schema


def assert_follows(spec: str, path: str, method: str, response) -> None:
    """The response (httpx/Flask) is a documented status of that operation and its JSON fits the schema."""
    status = response.status_code
    schema = response_schema(spec, path, method, status)
    jsonschema.validate(response.json(), schema, cls=jsonschema.Draft202012Validator,
                        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
