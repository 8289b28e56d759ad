"""The HTTP server's side of slow clients: a connection whose request line and headers do not arrive
within ``header_timeout_seconds`` (from the connection, or from the end of the previous answer) is
closed, so stalled connections (slowloris) do not hold the server.  Bodies are guarded in ASGI
(sandbox/api/guards.py).  Used by ``skdt-sandbox serve`` and by the gunicorn worker class below.
"""

from __future__ import annotations

from functools import lru_cache

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn_worker import UvicornWorker

try:   # httptools (C) parses a 20 KB form body far faster than h11 (pure Python); uvicorn's "auto"
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - uvicorn[standard] brings it
    HttpToolsProtocol = None


@lru_cache(maxsize=1)
def _header_timeout() -> float:
    from .settings import Settings
    return Settings.from_env().header_timeout_seconds


class _HeaderTimeout:
    """Mixed into uvicorn's HTTP protocols (both keep ``cycle`` until the next request's headers)."""

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer = None
        self._arm()

    def _arm(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        self._header_timer = self.loop.call_later(_header_timeout(), self._headers_overdue)

    def _headers_overdue(self) -> None:
        waiting = self.cycle is None or self.cycle.response_complete
        if waiting and not self.transport.is_closing():
            self.transport.close()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        super().connection_lost(exc)


class HeaderTimeoutH11(_HeaderTimeout, H11Protocol):
    pass


if HttpToolsProtocol is not None:
    class HeaderTimeoutHttpTools(_HeaderTimeout, HttpToolsProtocol):
        pass

HTTP_PROTOCOL = "sandbox.serving:HeaderTimeoutHttpTools" if HttpToolsProtocol else "sandbox.serving:HeaderTimeoutH11"


class Worker(UvicornWorker):
    """gunicorn -k sandbox.serving.Worker: uvicorn with the header timeout."""
    CONFIG_KWARGS = {**UvicornWorker.CONFIG_KWARGS, "http": HTTP_PROTOCOL}
