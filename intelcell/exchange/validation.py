"""STIX 2.1 validation of submitted objects with the OASIS ``stix2`` library, spread over the cores.

``stix2.parse`` costs 0.1 ms for a report and over 1 ms for an indicator (its pattern grammar), so
a large envelope is validated by a pool of worker processes: the checks are pure, and the answers
are plain tuples and strings.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import orjson
import stix2
import stix2.exceptions

from intelcell.domain.stix_time import TimestampError, stored

_EXTENSION_KINDS = {"new-sdo", "new-sco", "new-sro"}
#: The longest id and type the store holds (``objects.stix_id`` and ``objects.type`` in store/schema.py);
#: STIX allows custom types of up to 250 characters, which PostgreSQL would refuse mid-transaction.
MAX_ID_CHARS = 128
MAX_TYPE_CHARS = 64
#: Envelopes smaller than this are validated in the request's own thread.
PARALLEL_FROM = 256

Check = tuple[str, str] | str  # (id, type) when valid, else the reason

#: What stix2 raises on malformed input: its own errors, and those of its code meeting a property
#: of the wrong shape (a string where it expects an object, a list where it expects a string...).
_STIX2_REFUSALS = (stix2.exceptions.STIXError, ValueError, TypeError, AttributeError, KeyError, IndexError)


def version_of(obj: Mapping[str, Any]) -> str | None:
    """The stored form of an object's version: modified, else created, else None."""
    value = obj.get("modified") or obj.get("created")
    return stored(value) if isinstance(value, str) else None


def check(obj: Any, max_bytes: int) -> Check:
    """Validate one object; (id, type) when it is valid STIX 2.1, else the reason it is not."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    stix_id, kind = obj.get("id"), obj.get("type")
    if not isinstance(stix_id, str) or not isinstance(kind, str):
        return "object needs string 'id' and 'type' properties"
    if len(stix_id) > MAX_ID_CHARS or len(kind) > MAX_TYPE_CHARS:
        return (
            f"id longer than {MAX_ID_CHARS} or type longer than {MAX_TYPE_CHARS} characters: more than the store holds"
        )
    try:
        size = len(orjson.dumps(obj))
    except orjson.JSONEncodeError:
        return "object holds a value JSON cannot carry (such as an integer beyond 64 bits)"
    if size > max_bytes:
        return f"object is larger than the limit of {max_bytes} bytes"
    if obj.get("spec_version", "2.1") != "2.1" and kind != "marking-definition":
        return f"spec_version {obj.get('spec_version')!r} is not supported: STIX 2.1 only"
    extensions = obj.get("extensions") or {}
    if not isinstance(extensions, dict):
        return "invalid STIX 2.1: extensions must be an object"
    try:
        parsed = stix2.parse(obj, allow_custom=True, version="2.1")
    except _STIX2_REFUSALS as exc:
        return f"invalid STIX 2.1: {exc}"
    if isinstance(parsed, dict):  # stix2 hands back unregistered types unvalidated
        kinds = {e.get("extension_type") for e in extensions.values() if isinstance(e, dict)}
        if not kinds & _EXTENSION_KINDS:
            return f"unknown STIX type '{kind}' (a custom type needs a new-sdo/sco/sro extension)"
    elif parsed.get("created") and parsed.get("modified") and parsed["modified"] < parsed["created"]:
        return "invalid STIX 2.1: modified is earlier than created"
    try:
        version_of(obj)
    except TimestampError as exc:
        return str(exc)
    return stix_id, kind


def _check_chunk(chunk: list[Any], max_bytes: int) -> list[Check]:
    return [check(obj, max_bytes) for obj in chunk]


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _workers() -> ProcessPoolExecutor | None:
    global _pool
    cores = os.cpu_count() or 1
    if cores < 2:
        return None
    with _pool_lock:
        if _pool is None:
            # forkserver: never fork a process that has server threads running.
            _pool = ProcessPoolExecutor(max_workers=cores, mp_context=multiprocessing.get_context("forkserver"))
        return _pool


def submit(objects: list[Any], max_bytes: int) -> Callable[[], list[Check]]:
    """Start validating (in the worker pool for large envelopes); call the answer to wait for the
    results, in the objects' order. The caller can do its own work on the objects meanwhile."""
    pool = _workers() if len(objects) >= PARALLEL_FROM else None
    if pool is None:
        return lambda: _check_chunk(objects, max_bytes)
    size = max(64, len(objects) // (4 * (os.cpu_count() or 1)))
    futures = [pool.submit(_check_chunk, objects[i : i + size], max_bytes) for i in range(0, len(objects), size)]
    return lambda: [result for future in futures for result in future.result()]


def check_all(objects: list[Any], max_bytes: int) -> list[Check]:
    """Validate every object, in parallel for large envelopes; results in the objects' order."""
    return submit(objects, max_bytes)()


def warm() -> None:
    """Start the worker pool now (a server calls this at start-up, not on its first big envelope)."""
    pool = _workers()
    if pool is not None:
        list(pool.map(_check_chunk, [[]] * (os.cpu_count() or 1), [0] * (os.cpu_count() or 1)))
