"""One exception tree for the sandbox; every class carries the result code it answers with.

Library exceptions (lxml, signxml, xmlschema, SQLAlchemy) are chained with ``raise … from``
and never reach an HTTP handler.  ``hint_vi`` / ``hint_en`` tell the caller what to fix.
"""

from __future__ import annotations

from .result_codes import CodeInfo, ResultCode, info


class SandboxError(Exception):
    result_code: ResultCode = ResultCode.SERVER_ERROR

    def __init__(self, hint_vi: str = "", hint_en: str = "", *, code: ResultCode | None = None,
                 facts: dict | None = None):
        if code is not None:
            self.result_code = code
        self.hint_vi = hint_vi
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

