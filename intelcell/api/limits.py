"""Request body size limit, enforced before any handler (or authentication) reads the body."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    """ASGI middleware answering 413 when a body exceeds ``max_bytes``, declared or streamed.

    The body is read up to the limit before the app runs and then replayed, so an oversized
    streamed body is refused whole rather than failing half-way inside a handler.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._too_large(scope, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()  # later calls wait for disconnect, as the server's would
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        await reject(scope, send, 413, "body_too_large", f"request body exceeds the limit of {self.max_bytes} bytes")


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
