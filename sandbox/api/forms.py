"""Request-body validators with our limits instead of Starlette's defaults.

Starlette refuses any form field over 1 MiB (a 100-HOSO batch is 2–3 MB of base64) and any
form with over 1 000 fields, raising an exception connexion answers with HTTP 500.  These
validators take the configured request limit as the field limit and a small field count, and
``FormLimitExceeded`` turns the parser's refusal into a coded answer (app.py).
"""

from __future__ import annotations

import functools

import json

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.utils import is_null, is_nullable
from connexion.validators import (FormDataValidator, JSONRequestBodyValidator, MultiPartFormDataValidator,
                                  ParameterValidator)
from connexion.validators.parameter import draft4_format_checker
from jsonschema import Draft4Validator, ValidationError
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser

MAX_FORM_FIELDS = 100           # a submission has 5 fields; anything near this is not a HIS
FormLimitExceeded = MultiPartException


MAX_JSON_DEPTH = 64


class SafeJSON(JSONRequestBodyValidator):
    """JSON bodies that are not UTF-8 or nest absurdly deep are a 400, never a 500 — and the bytes,
    which may hold a password, never reach a log line.  A body schema marked ``x-checked-by-handler`` documents
    what the operation accepts but is checked by the operation itself, which answers in its own contract's
    shape (the co-payment look-up: HTTP 400 with MaKetQua 400, CV 1839), not in the gateway's refusal shape."""

    def _validate(self, body):
        if self._schema.get("x-checked-by-handler") or (body is None and not self._required):
            return body             # an optional body left out is not an empty one (connexion refused it)
        if body is None:
            return super()._validate(body)
        try:
            return self._validator.validate(body)
        except ValidationError as exc:
            raise field_problem(exc) from None

    async def _parse(self, stream, scope):
        raw = b"".join([message async for message in stream])
        try:
            text = raw.decode(self._encoding)
        except (UnicodeDecodeError, LookupError):
            raise BadRequestProblem(detail="body is not UTF-8 JSON") from None
        if not text:
            return None
        if _depth_exceeds(text, MAX_JSON_DEPTH):
            raise BadRequestProblem(detail=f"JSON nested deeper than {MAX_JSON_DEPTH} levels") from None
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            raise BadRequestProblem(detail="body is not valid JSON") from None
        if _has_nul(data):
            raise BadRequestProblem(detail="a string contains a NUL character") from None
        return data


class FieldProblem(BadRequestProblem):
    """A body field against its schema, said without its value (a password is never echoed or logged)."""

    def __init__(self, en: str, vi: str):
        super().__init__(detail=en)
        self.vi = vi


RULES = {"minLength": ("tối thiểu {} ký tự", "at least {} characters"), "maxLength": ("tối đa {} ký tự", "at most {} characters"),
         "minimum": ("tối thiểu {}", "at least {}"), "maximum": ("tối đa {}", "at most {}"),
         "type": ("phải là {}", "must be {}"), "enum": ("là một trong {}", "one of {}")}


def _rule(exc) -> tuple[str, str]:
    """What a schema rule expects, in Vietnamese and English, without the value given."""
    n = exc.validator_value
    vi, en = RULES.get(exc.validator, ("không đúng dạng quy định", "not in the documented form"))
    shown = ", ".join(map(str, n)) if exc.validator == "enum" else n
    return vi.format(shown), en.format(shown)


def field_problem(exc: ValidationError, name: str = "") -> BadRequestProblem:
    """``field: what is expected`` — the schema's own words (``description``, ``x-mo-ta`` in Vietnamese) where
    it has them — for the rules that would quote the value; a missing or unknown field is named as jsonschema
    names it (and said in Vietnamese by the problem handler)."""
    if exc.validator in ("required", "additionalProperties"):
        return BadRequestProblem(detail=exc.message)
    field = ".".join(str(p) for p in ([name] if name else []) + list(exc.absolute_path)) or "body"
    vi, en = _rule(exc)
    schema = exc.schema if isinstance(exc.schema, dict) else {}
    return FieldProblem(f"{field}: {schema.get('description') or en}", f"{field}: {schema.get('x-mo-ta') or vi}")


class SafeParameters(ParameterValidator):
    """Query, path and header parameters against their schemas, refused as body fields are (``field_problem``):
    in the spec's words, without the value."""

    @staticmethod
    def validate_parameter(parameter_type, value, param, param_name=None):
        if value is not None and not (is_nullable(param) and is_null(value)):
            try:
                Draft4Validator(param.get("schema", param), format_checker=draft4_format_checker).validate(value)
            except ValidationError as exc:
                raise field_problem(exc, param.get("name", "")) from None
            return None
        return ParameterValidator.validate_parameter(parameter_type, value, param, param_name)


def _has_nul(value) -> bool:
    """NUL in any string (PostgreSQL cannot store it in text columns)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _depth_exceeds(text: str, limit: int) -> bool:
    """Bracket depth outside strings, counted in one pass before parsing."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            escaped, in_string = (not escaped and ch == "\\"), in_string and not (ch == '"' and not escaped)
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def validator_map(max_field_bytes: int, max_fields: int = MAX_FORM_FIELDS) -> dict:
    """Body validators for ``add_api(validator_map=…)`` with the given limits."""

    class Form(FormDataValidator):
        @property
        def _form_parser_cls(self):
            return functools.partial(FormParser, max_fields=max_fields, max_part_size=max_field_bytes)

        async def _parse(self, stream, scope):
            data = await super()._parse(stream, scope)
            if _has_nul(data):
                raise BadRequestProblem(detail="a field contains a NUL character")
            return data

    class MultiPart(MultiPartFormDataValidator):
        @property
        def _form_parser_cls(self):
            return functools.partial(MultiPartParser, max_fields=max_fields, max_files=max_fields,
                                     max_part_size=max_field_bytes)

    return {"parameter": SafeParameters,
            "body": MediaTypeDict({"*/*json": SafeJSON,
                                   "application/x-www-form-urlencoded": Form,
                                   "multipart/form-data": MultiPart})}
