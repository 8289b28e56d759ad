"""One exception tree for the sandbox; every class carries the result code it answers with.

Library exceptions (lxml, signxml, xmlschema, SQLAlchemy) are chained with ``raise … from``
and never reach an HTTP handler.  ``hint_vi`` / ``hint_en`` tell the caller what to fix.
"""

from __future__ import annotations

from .result_codes import CodeInfo, ResultCode, info


class SandboxError(Exception):
    result_code: ResultCode = ResultCode.SERVER_ERROR

    def __init__(self, hint_vi: str = "", hint_en: str = "", *, code: ResultCode | None = None,
                 facts: dict | None = None, page_vi: str = ""):
        if code is not None:
            self.result_code = code
        self.hint_vi = hint_vi
        self.page_vi = page_vi   # said differently on a page than to an API client (a form has no MD5)
        self.hint_en = hint_en
        # what the sandbox saw and expected, for the facility's "why was I refused" (sandbox/explain.py):
        # {"facility": …, "username": …, "seen": {label: value}, "expected": {label: value}}; never secrets
        self.facts = facts
        super().__init__(self.message_en)

    @property
    def code_info(self) -> CodeInfo:
        return info(self.result_code)

    @property
    def message_vi(self) -> str:
        base = self.code_info.vi
        return f"{base}: {self.hint_vi}" if self.hint_vi else base

    @property
    def screen_vi(self) -> str:
        """What a page shows: the page's own words when given; an input refusal says only what to fix (its
        family, "Dữ liệu quản trị không hợp lệ", is for API clients); any other refusal says what and why."""
        if self.page_vi:
            return self.page_vi
        if self.result_code == ResultCode.INVALID_INPUT and self.hint_vi:
            return self.hint_vi[:1].upper() + self.hint_vi[1:]
        return self.message_vi

    @property
    def message_en(self) -> str:
        base = self.code_info.en
        return f"{base}: {self.hint_en}" if self.hint_en else base


class RequestError(SandboxError):
    """A request refused before anything is stored."""


class AuthenticationError(RequestError):
    result_code = ResultCode.UNAUTHENTICATED


class AuthorisationError(RequestError):
    result_code = ResultCode.FORBIDDEN


class ParameterError(RequestError):
    result_code = ResultCode.PARAMETER_FORMAT


class FileFormatError(RequestError):
    result_code = ResultCode.FILE_FORMAT


class FileTooLargeError(RequestError):
    result_code = ResultCode.FILE_TOO_LARGE


class NotFoundError(SandboxError):
    result_code = ResultCode.NOT_FOUND


class ConflictError(SandboxError):
    result_code = ResultCode.CONFLICT


class InvalidInputError(SandboxError):
    result_code = ResultCode.INVALID_INPUT

