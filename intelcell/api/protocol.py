"""The HTTP protocol `intelcell serve` runs: uvicorn's, plus a head deadline and the client certificate.

uvicorn keeps a connection open for as long as a client takes to send a request's head, so a
handful of clients sending a byte a minute (slowloris) hold the server's connections forever.
Here a request's head must be complete within ``head_timeout`` seconds of its first byte (or of
the connection opening); otherwise the client gets 408 and the connection is closed. The body
has its own deadline in `intelcell.api.limits.RequestLimits`; a request answered before its body
was read (refused by authentication or a limit) has its connection closed; idle keep-alive
connections are closed by uvicorn's ``timeout_keep_alive``.

Over TLS with client certificates (`intelcell.api.mtls`), the verified client certificate is
put in the scope as the ASGI TLS extension says (``scope["extensions"]["tls"]
["client_cert_chain"]``, PEM), which uvicorn does not do by itself.
"""

from __future__ import annotations

import asyncio
import ssl

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEAD_TIMEOUT_S = 10.0
_TOO_SLOW = b"request head not received in time"
_REQUEST_TIMEOUT = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(_TOO_SLOW), _TOO_SLOW)
)


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline on each request's head and the TLS client certificate."""

    head_timeout = HEAD_TIMEOUT_S
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock: a new connection must send a complete head in time."""
        super().connection_made(transport)
        self._arm()

    def on_message_begin(self) -> None:
        """A request's first byte: its head must be complete in time; note the client certificate."""
        super().on_message_begin()
        self._arm()
        chain = _client_chain(self.transport)
        if chain:
            self.scope["extensions"] = {"tls": {"client_cert_chain": chain}}  # type: ignore[typeddict-unknown-key]

    def on_headers_complete(self) -> None:
        """The head arrived in time."""
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        """Close a connection whose request body was answered before it was read (401, 413, 400...).

        uvicorn would keep it alive and discard the rest of the body as it trickles in, with no
        deadline at all: a client without a credential could hold the connection for ever.
        """
        if self.cycle is not None and self.cycle.more_body and not self.transport.is_closing():
            self.transport.close()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        """No deadline for a connection that is gone."""
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.write(_REQUEST_TIMEOUT)
            self.transport.close()


def guarded_protocol(head_timeout: float) -> type[GuardedProtocol]:
    """`GuardedProtocol` with its own head deadline, for ``uvicorn.Config(http=...)``."""
    return type("GuardedProtocol", (GuardedProtocol,), {"head_timeout": head_timeout})


def _client_chain(transport: asyncio.Transport) -> list[str]:
    """The verified client certificate of a TLS connection as PEM, in a list; empty without one."""
    tls = transport.get_extra_info("ssl_object")
    if tls is None:
        return []
    der = tls.getpeercert(binary_form=True)
    return [ssl.DER_cert_to_PEM_cert(der)] if der else []
