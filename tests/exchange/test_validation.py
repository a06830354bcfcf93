"""Validation gives the same answers in the request thread and in the worker pool."""

from __future__ import annotations

from intelcell.exchange import validation
from tests.taxii.conftest import sdo


def test_the_worker_pool_answers_exactly_like_serial_validation() -> None:
    objects: list[object] = []
    for i in range(validation.PARALLEL_FROM + 40):
        kind = ("indicator", "report", "threat-actor")[i % 3]
        objects.append(sdo(kind) if i % 7 else {**sdo(kind), "created": "yesterday"})
    objects += ["not an object", {"type": "report"}, {**sdo(), "type": "no-such-type"}]
    parallel = validation.check_all(objects, 1_000_000)
    serial = [validation.check(obj, 1_000_000) for obj in objects]
    assert parallel == serial
    assert sum(isinstance(result, str) for result in serial) >= 40  # the broken ones were refused
