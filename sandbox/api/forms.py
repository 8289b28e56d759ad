"""Request-body validators with our limits instead of Starlette's defaults.

Starlette refuses any form field over 1 MiB (a 100-HOSO batch is 2–3 MB of base64) and any
form with over 1 000 fields, raising an exception connexion answers with HTTP 500.  These
validators take the configured request limit as the field limit and a small field count, and
``FormLimitExceeded`` turns the parser's refusal into a coded answer (app.py).
"""

from __future__ import annotations

import functools

from connexion.datastructures import MediaTypeDict
from connexion.validators import FormDataValidator, JSONRequestBodyValidator, MultiPartFormDataValidator
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser

MAX_FORM_FIELDS = 100           # a submission has 5 fields; anything near this is not a HIS
FormLimitExceeded = MultiPartException


def validator_map(max_field_bytes: int, max_fields: int = MAX_FORM_FIELDS) -> dict:
    """Body validators for ``add_api(validator_map=…)`` with the given limits."""

    class Form(FormDataValidator):
        @property
        def _form_parser_cls(self):
            return functools.partial(FormParser, max_fields=max_fields, max_part_size=max_field_bytes)

    class MultiPart(MultiPartFormDataValidator):
        @property
        def _form_parser_cls(self):
            return functools.partial(MultiPartParser, max_fields=max_fields, max_files=max_fields,
                                     max_part_size=max_field_bytes)

    return {"body": MediaTypeDict({"*/*json": JSONRequestBodyValidator,
                                   "application/x-www-form-urlencoded": Form,
                                   "multipart/form-data": MultiPart})}
