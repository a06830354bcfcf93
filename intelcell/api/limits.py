"""Request limits, enforced before any handler reads the request: body size and time, and NUL characters.

A body over the limit on a page of the browser UI (an upload form) is answered with an explained
HTML page naming the limit and what to do; the API and TAXII keep their JSON 413.
"""

from __future__ import annotations

import asyncio
import json

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestLimits:
    """ASGI middleware answering 413 when a body exceeds ``max_bytes``, declared or streamed; 408 when
    it does not arrive within ``timeout_s`` seconds; 400 for a NUL character in the path, the query
    or a JSON or form body outside TAXII.

    The body is read up to the limit before the app runs and then replayed, so an oversized
    streamed body is refused whole rather than failing half-way inside a handler, and a client
    trickling its body holds no handler, transaction or lock while it does. PostgreSQL text cannot
    hold NUL, so such input would fail inside a transaction; STIX objects under /taxii2 may carry
    it (their bodies are stored as escaped JSON, and search indexes it as a space).
    """

    def __init__(self, app: ASGIApp, max_bytes: int, timeout_s: float = 120.0) -> None:
        self.app, self.max_bytes, self.timeout_s = app, max_bytes, timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _has_nul(scope["path"].encode("utf-8", "surrogatepass"), scope.get("query_string", b"")):
            await reject(scope, send, 400, "invalid_request", NUL_REASON)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._too_large(scope, send)
            return
        try:
            async with asyncio.timeout(self.timeout_s):
                body = await self._read(receive)
        except TimeoutError:
            reason = f"request body not received within {self.timeout_s:g} seconds"
            await reject(scope, send, 408, "body_timeout", reason, [(b"connection", b"close")])
            return
        if body is None:
            return  # the client went away
        if len(body) > self.max_bytes:
            await self._too_large(scope, send)
            return
        if not scope["path"].startswith("/taxii2") and _body_has_nul(body, headers.get(b"content-type", b"")):
            await reject(scope, send, 400, "invalid_request", NUL_REASON)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # later calls wait for disconnect, as the server's would
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or its first chunks once past the limit; None when the client disconnects."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            chunks.append(chunk)
            if size > self.max_bytes or not message.get("more_body", False):
                return b"".join(chunks)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        if _is_page(scope["path"]):
            await _too_large_page(scope, send, self.max_bytes)
            return
        await reject(scope, send, 413, "body_too_large", f"request body exceeds the limit of {self.max_bytes} bytes")


def _is_page(path: str) -> bool:
    """A path of the browser UI that answers pages (not a page script's JSON, a stream or a static file)."""
    from intelcell.api.auth import UI_PREFIXES  # auth imports this module's `reject`

    if path.startswith("/static/") or path.endswith((".json", "/stream")):
        return False
    return path in ("/", "/login", "/logout") or path.startswith(UI_PREFIXES)


async def _too_large_page(scope: Scope, send: Send, max_bytes: int) -> None:
    """The UI's explained 413 page: a form (a file upload, mostly) larger than the limit stored nothing.

    A browser shows the API's JSON as raw text; the analyst needs the limit and a way forward.
    """
    from intelcell.web import csp  # the UI is built on the API, so the UI's page comes in late
    from intelcell.web.render import error_page

    request = Request(scope)
    message = (
        f"The file (or form) is larger than the limit of {max_bytes:,} bytes ({max_bytes / 2**20:.0f} MB) "
        "for one request, so nothing was stored. Split the file into smaller files and upload each, or load "
        "it with the command line, which has no such limit: intelcell upload FILE --format ftm|csv|stix."
    )
    back = scope["path"] if scope["path"].startswith("/fighters/upload") else "/"
    page = await run_in_threadpool(error_page, request, 413, "File too large", message, back, "Back")
    page.headers["connection"] = "close"  # the rest of the body is not read: this connection ends here
    await csp.protect(page)(scope, _unread, send)


async def _unread() -> Message:
    return {"type": "http.disconnect"}


NUL_REASON = "text may not contain NUL characters (U+0000)"


def _has_nul(path: bytes, query: bytes) -> bool:
    """A NUL in the (decoded) path or the (raw) query string, escaped or not."""
    return b"\x00" in path or b"\x00" in query or b"%00" in query


def _body_has_nul(body: bytes, content_type: bytes) -> bool:
    """A NUL in a JSON body (raw or escaped) or a form (raw, or percent-encoded); binary bodies may hold zeros.

    A JSON string holding a literal backslash followed by ``u0000`` is refused too: rare, and the
    price of not parsing the body twice.
    """
    media = content_type.split(b";")[0].strip().lower()
    if media.endswith(b"json"):
        return b"\x00" in body or b"\\u0000" in body
    if media == b"application/x-www-form-urlencoded":
        return b"\x00" in body or b"%00" in body
    return media == b"multipart/form-data" and b"\x00" in body  # form fields and uploaded text files alike


TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"


async def reject(
    scope: Scope,
    send: Send,
    status: int,
    error: str,
    reason: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    """Answer from ASGI middleware: the API's JSON error, or a TAXII error message under /taxii2/."""
    if scope["path"].startswith("/taxii2"):
        body: dict[str, str] = {
            "title": error.replace("_", " "),
            "description": reason,
            "http_status": str(status),
        }
        media = TAXII_MEDIA_TYPE.encode()
    else:
        body, media = {"error": error, "reason": reason}, b"application/json"
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", media), (b"content-length", str(len(payload)).encode()), *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": payload})
