"""Fuzzing the OpenAPI surface with Schemathesis (issue 8 item 3, the API half): no 5xx, no hang.

The schema is loaded from the ASGI app (``/openapi.json``) and every operation is called
in-process, with a Bearer token, against a store seeded through the API like a working cell:
members' users of several roles and clearances, TAXII collections with labelled STIX objects and
versions, person records resolved into persons, a screening hit, RFIs with an answer, an action
plan item, contributions, sensors and a flown air picture. Generated path and query values are
often swapped for ids that exist, so operations reach their deep paths and not only 404s.

Inputs the schema does not declare (TAXII filters and envelopes, plot CSV, ASTERIX and Mode S
bodies) are generated here by hooks, since Schemathesis only knows what ``/openapi.json`` says.

Checks: Schemathesis's ``not_a_server_error`` and ``max_response_time`` (``MAX_SECONDS``), plus a
request timeout (``TIMEOUT_SECONDS``) that turns a hang into a failure. Not
``status_code_conformance`` nor the schema-conformance checks: FastAPI documents only 200 and 422,
while the API answers 401, 403, 404, 409, 413 and TAXII's 406 and 415 by design, and TAXII and
export responses are bytes the schema does not describe; declaring every status on every route is
documentation work of its own, not something to bend for a check.

Nothing is excluded: even the live feed (Server-Sent Events, endless without ``seconds``) is
called in-process, its client cutting the stream after the first event. Every operation is fuzzed
as an analyst (USA, NATO SECRET with SIGINT), and those whose answer depends on the role again as
an administrator (``ADMIN_OPERATIONS``). Each gets ``EXAMPLES`` cases drawn from positive and
negative generation and its schema examples (``INTELCELL_FUZZ=long``: ten times as many),
derandomized so CI replays the same requests. The requests made are counted (printed: ``pytest
-rP`` shows them) and must reach a floor, so a hook gone wrong cannot quietly turn the fuzz into a
handful of calls.
"""

from __future__ import annotations

import json
import os
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import max_response_time, not_a_server_error
from schemathesis.python import asgi

from intelcell.api.app import create_app
from intelcell.cell import Cell
from tests.airpicture.conftest import Scene, flown, scene
from tests.fighters.builders import person
from tests.helpers import bearer
from tests.taxii.conftest import TAXII, Taxii, sdo, taxii

__all__ = ["flown", "scene", "taxii"]  # fixtures this module uses

LONG = os.environ.get("INTELCELL_FUZZ") == "long"
EXAMPLES = 15 * (10 if LONG else 1)  # cases per operation (fewer when its inputs allow fewer)
MIN_REQUESTS = 45 * EXAMPLES  # 52 operations take inputs and get up to EXAMPLES each; 11 take none and get one
MAX_SECONDS = 5.0  # every answer within this, or the check fails
TIMEOUT_SECONDS = 15.0  # a request still running then is a hang
# NUL characters are generated too: on PostgreSQL they once reached SQL and answered 500 (text cannot
# hold NUL); intelcell.api.limits.RequestLimits now refuses them with 400 before any route.
NUL_ALLOWED = True
SECRET = "NATO SECRET // REL TO COALITION"
RESTRICTED = "NATO RESTRICTED // REL TO COALITION"

SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same requests on every run: a failure replays in CI and locally
    database=None,
    deadline=None,  # max_response_time bounds each request; Hypothesis need not time the test
    phases=(Phase.explicit, Phase.generate, Phase.shrink),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)


@dataclass
class World:
    """The seeded store: the fuzzing users' tokens and the values operations may be asked about."""

    cell: Cell
    analyst: str
    admin: str
    known: dict[str, list[Any]] = field(default_factory=dict)


def _post(client: TestClient, token: str, path: str, body: Any, **params: Any) -> Any:
    """POST as ``token``; the JSON answer, which must be a success."""
    reply = client.post(path, json=body, params=params, headers=bearer(token))
    assert reply.status_code in (200, 201, 202), reply.text
    return reply.json()


def _exchange(taxii: Taxii, usa: str, fra: str) -> dict[str, list[Any]]:
    """Labelled STIX objects in the collections, one with two versions; their ids and statuses."""
    actor = taxii.labelled(sdo(name="Al-Qaim facilitation network"), SECRET)
    indicator = taxii.labelled(sdo("indicator", name="courier phone"), "NATO SECRET // REL TO NATO")
    report = sdo("report", name="Route via Husaybah", object_refs=[actor["id"]])
    relation = sdo(
        "relationship",
        name=None,
        relationship_type="indicates",
        source_ref=indicator["id"],
        target_ref=actor["id"],
    )
    relation.pop("name")
    first = taxii.add([actor, indicator, report, relation], token=usa, define=True)
    later = {**actor, "modified": "2026-11-25T09:00:00.000Z", "description": "Moves recruits at night."}
    second = taxii.add([later], token=usa, define=True)
    french = taxii.labelled(sdo("campaign", name="Hawala transfers"), "NATO SECRET // REL TO FRA, USA")
    third = taxii.add([french], token=fra, define=True)
    ids = [actor["id"], indicator["id"], report["id"], relation["id"], french["id"]]
    return {
        "object_id": ids,
        "stix_id": ids,
        "status_id": [status["id"] for status in (first, second, third)],
        "marking_id": sorted(taxii.definitions),
        "collection_id": [taxii.rw, taxii.read_only, taxii.write_only, taxii.closed],
    }


def _persons(client: TestClient, tokens: dict[str, str]) -> dict[str, list[Any]]:
    """Person records of three members, resolved, and a screening hit on a record USA may not read."""
    fra = [person("b1", birth_date="1971-07", nationality="iq"), person("b2", "Abou Bakr al Baghdadi")]
    usa = [person("u1", "Abu Bakr Baghdadi", birth_date="1971")]
    irq = [person("i1", "أبو بكر البغدادي", birth_date="1971-07-28")]
    hidden = [person("h1", "Abu Mohammed al-Adnani", birth_date="1977")]
    ids = [
        p["id"] for p in _post(client, tokens["FRA"], "/api/v1/persons", {"label": SECRET, "entities": fra})["persons"]
    ]
    ids += [
        p["id"] for p in _post(client, tokens["USA"], "/api/v1/persons", {"label": SECRET, "entities": usa})["persons"]
    ]
    ids += [
        p["id"] for p in _post(client, tokens["IRQ"], "/api/v1/persons", {"label": SECRET, "entities": irq})["persons"]
    ]
    _post(client, tokens["FRA"], "/api/v1/persons", {"label": "FRA SECRET", "entities": hidden})
    _post(client, tokens["admin"], "/api/v1/resolution/run", {"mode": "full"})
    query = {"q": {"schema": "Person", "properties": {"name": ["Abou Mohammed al Adnani"], "birthDate": ["1977"]}}}
    screened = _post(client, tokens["USA"], "/api/v1/match", {"queries": query})
    refs = [hit["ref"] for hit in screened["responses"]["q"]["hits"]]
    assert refs, screened
    return {"record_id": ids, "any_id": ids, "ref": refs}


def _rfis(client: TestClient, tokens: dict[str, str], cited: str) -> dict[str, list[Any]]:
    """An RFI USA asked, answered by France, and one France asked of the United States."""
    question = {
        "question": "Who moves recruits across the border at Al-Qaim, and by which route?",
        "label": SECRET,
        "addressees": ["LEVANT", "FRA"],
        "deadline": "2026-12-01T12:00:00Z",
        "priority": "immediate",
    }
    asked = _post(client, tokens["USA"], "/api/v1/rfis", question)
    answer = {"text": "Two facilitators, route via Husaybah.", "label": RESTRICTED, "object_ids": [cited]}
    _post(client, tokens["FRA"], f"/api/v1/rfis/{asked['id']}/answers", answer)
    french = _post(client, tokens["FRA"], "/api/v1/rfis", {**question, "addressees": ["USA"], "priority": "routine"})
    return {"rfi_id": [asked["id"], french["id"]]}


def _oversight(client: TestClient, tokens: dict[str, str]) -> dict[str, list[Any]]:
    """An action-plan item and contributions reported by the coordinator and by USA."""
    item = {
        "title": "AWACS coverage of the Syria-Iraq border",
        "owner": "NATO",
        "targets": [{"measure": "awacs_flight_hours", "value": 1200}],
        "deadline": "2026-12-31",
        "label": RESTRICTED,
    }
    made = _post(client, tokens["coordinator"], "/api/v1/oversight/plan", item)
    entry = {
        "member": "FRA",
        "kind": "awacs_flight_hours",
        "period": "2026-07",
        "value": 212.5,
        "source": "NAEW&C Force monthly flying-hours return",
        "label": RESTRICTED,
    }
    french = _post(client, tokens["coordinator"], "/api/v1/oversight/contributions", entry)
    own = _post(client, tokens["USA"], "/api/v1/oversight/contributions", {**entry, "member": "USA", "value": 40})
    return {"item_id": [made["id"]], "entry_id": [french["id"], own["id"]]}


def _airpicture(client: TestClient, tokens: dict[str, str], scene: Scene) -> dict[str, list[Any]]:
    """A USA ADS-B receiver next to the scene's sensors, and the flown tracks' numbers."""
    sensor = {
        "id": "usa-adsb-1",
        "member": "USA",
        "kind": "adsb",
        "lat": 36.1,
        "lon": 43.1,
        "alt_m": 300,
        "sigma_m": 50,
    }
    _post(client, tokens["USA"], "/api/v1/airpicture/sensors", {"sensor": sensor, "label": RESTRICTED})
    tracks = client.get("/api/v1/airpicture/tracks", headers=bearer(tokens["admin"])).json()["tracks"]
    return {
        "sensor_id": ["usa-adsb-1", "nato-awacs-1", "tur-radar-1"],
        "track_number": [t["track_number"] for t in tracks],
    }


@pytest.fixture
def world(cell: Cell, client: TestClient, taxii: Taxii, flown: Scene, make_user: Any) -> World:
    """A store seeded through the API as a working cell's would be."""
    tokens = {
        "USA": make_user("USA", "NATO SECRET", ("SIGINT",), name="usa.analyst")[1],
        "FRA": make_user("FRA", "NATO SECRET", name="fra.analyst")[1],
        "IRQ": make_user("IRQ", "NATO SECRET", name="irq.liaison")[1],
        "coordinator": make_user("NATO", "COSMIC TOP SECRET", role="coordinator", name="nato.coordinator")[1],
        "admin": make_user("NATO", "COSMIC TOP SECRET", ("SIGINT",), role="admin", name="nato.admin")[1],
    }
    known = _exchange(taxii, tokens["USA"], tokens["FRA"])
    known |= _persons(client, tokens)
    known |= _rfis(client, tokens, known["object_id"][0])
    known |= _oversight(client, tokens)
    known |= _airpicture(client, tokens, flown)
    known |= {
        "api_root": ["cell"],
        "code": ["USA", "FRA", "IRQ", "NATO", "LEVANT", "COALITION"],
        "member": ["USA", "FRA", "NATO"],
        "period": ["2026", "2026-Q3", "2026-07", "2026-01/2026-11"],
        "label": [SECRET, RESTRICTED],
        "type": ["threat-actor", "indicator", "report"],
        "q": ["Baghdadi", "facilitation network", "Husaybah"],
    }
    return World(cell, tokens["USA"], tokens["admin"], known)


# -- inputs the schema does not declare ----------------------------------------------------------

_TEXT = st.text(string.printable, max_size=40)
_TIMESTAMPS = st.sampled_from(
    ["2026-11-20T09:00:00.000Z", "2026-11-20T09:00:00Z", "1970-01-01T00:00:00.000000Z", "2026-13-40T99:00:00Z"]
)


def _taxii_filters(world: World) -> st.SearchStrategy[dict[str, str]]:
    """TAXII 2.1 section 3.4 filters, valid and not."""
    ids = world.known["object_id"]
    return st.fixed_dictionaries(
        {},
        optional={
            "added_after": st.one_of(_TIMESTAMPS, _TEXT),
            "limit": st.one_of(st.integers(-2, 2000).map(str), _TEXT),
            "next": _TEXT,
            "match[id]": st.one_of(
                st.sampled_from(ids), st.lists(st.sampled_from(ids), max_size=3).map(",".join), _TEXT
            ),
            "match[type]": st.one_of(st.sampled_from(["threat-actor", "indicator,report", "x"]), _TEXT),
            "match[version]": st.one_of(st.sampled_from(["last", "first", "all", "2026-11-20T09:00:00.000Z"]), _TEXT),
            "match[spec_version]": st.one_of(st.sampled_from(["2.1", "2.0", "2.0,2.1"]), _TEXT),
        },
    )


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)


def _stix_objects(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """STIX objects: valid ones, and valid ones with a property replaced by any JSON."""
    valid = st.builds(
        sdo,
        st.sampled_from(["threat-actor", "indicator", "report", "campaign", "malware"]),
        st.one_of(st.none(), _TEXT),
        modified=_TIMESTAMPS,
    )
    keys = st.sampled_from(
        ["id", "type", "spec_version", "created", "modified", "name", "object_marking_refs", "granular_markings"]
    )
    broken = st.tuples(valid, keys, st.one_of(_JSON, st.just(world.known["marking_id"]))).map(
        lambda t: {**t[0], t[1]: t[2]}
    )
    return st.one_of(valid, broken)


def _envelopes(world: World) -> st.SearchStrategy[bytes]:
    """Envelope bodies: lists of STIX objects, other JSON, and bytes that are not JSON."""
    envelope = st.lists(_stix_objects(world), min_size=1, max_size=4).map(lambda objects: {"objects": objects})
    return st.one_of(
        envelope.map(lambda e: json.dumps(e).encode()),
        _JSON.map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=64),
    )


def _plots_csv() -> st.SearchStrategy[bytes]:
    """Plot CSV: the header and rows of numbers, words and gaps, or any text."""
    cell = st.one_of(st.floats(allow_nan=True).map(str), st.integers().map(str), _TEXT, st.just(""))
    header = "time,sensor,lat,lon,alt_m,sigma_m"
    rows = st.lists(st.lists(cell, min_size=0, max_size=8).map(",".join), max_size=5)
    valid = rows.map(lambda r: "\n".join([header, *r]).encode())
    return st.one_of(valid, _TEXT.map(str.encode), st.binary(max_size=64))


def _modes_lines() -> st.SearchStrategy[bytes]:
    """Mode S input: ``TIMESTAMP,HEX`` lines, valid in form or not, and any bytes."""
    line = st.tuples(st.floats(0, 2e9).map(str), st.text("0123456789abcdefABCDEFxz", max_size=30)).map(",".join)
    return st.one_of(st.lists(line, max_size=5).map(lambda ls: "\n".join(ls).encode()), st.binary(max_size=64))


def _undeclared(world: World) -> dict[tuple[str, str], Callable[[Any], st.SearchStrategy[Any]]]:
    """Per operation (method, path): a strategy for the case with what the schema leaves out."""
    taxii = "/taxii2/{api_root}/collections/{collection_id}"
    filters = _taxii_filters(world)

    def with_filters(case: Any) -> st.SearchStrategy[Any]:
        return filters.map(lambda query: _replace(case, query={**(case.query or {}), **query}))

    def with_body(bodies: st.SearchStrategy[bytes], media_type: str) -> Callable[[Any], st.SearchStrategy[Any]]:
        def build(case: Any) -> st.SearchStrategy[Any]:
            return bodies.map(lambda body: _replace(case, body=body, content_type=media_type))

        return build

    return {
        ("GET", f"{taxii}/objects/"): with_filters,
        ("GET", f"{taxii}/objects/{{object_id}}/"): with_filters,
        ("DELETE", f"{taxii}/objects/{{object_id}}/"): with_filters,
        ("GET", f"{taxii}/objects/{{object_id}}/versions/"): with_filters,
        ("GET", f"{taxii}/manifest/"): with_filters,
        ("POST", f"{taxii}/objects/"): with_body(_envelopes(world), TAXII),
        ("POST", "/api/v1/airpicture/plots.csv"): with_body(_plots_csv(), "text/csv"),
        ("POST", "/api/v1/airpicture/asterix"): with_body(st.binary(max_size=256), "application/octet-stream"),
        ("POST", "/api/v1/airpicture/modes/{sensor_id}"): with_body(_modes_lines(), "text/plain"),
    }


def _replace(case: Any, query: dict[str, Any] | None = None, body: bytes | None = None, content_type: str = "") -> Any:
    """``case`` with a query or a raw body (sent as it is, under ``content_type``)."""
    if query is not None:
        case.query = query
    if body is not None:
        case.body = body
        case.media_type = "application/octet-stream"  # the serializer that sends bytes unchanged
        case.headers = {**(case.headers or {}), "Content-Type": content_type}
    return case


# -- the run ----------------------------------------------------------------------------------------


def _schema(world: World, token: str) -> Any:
    """The schema of a fresh app on the world's store, with the hooks that fill in known and undeclared values."""
    config = schemathesis.Config.from_dict(
        {
            "request-timeout": TIMEOUT_SECONDS,
            # The live feed is fuzzed too: its first event (the snapshot) arrives at once, then the
            # client cuts the stream, which would otherwise run until the token expires.
            "max-stream-events": 1,
            "checks": {"max_response_time": MAX_SECONDS},
            "generation": {"allow-x00": NUL_ALLOWED},
        }
    )
    app = create_app(cell=world.cell)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config, headers=bearer(token))
    known = world.known

    def swap_in_known(_context: Any, values: dict[str, Any] | None) -> Any:
        """Each value as generated, or (three times in four) one that exists, so requests get past 404."""
        if not values:
            return st.just(values)
        return st.fixed_dictionaries(
            {
                k: st.one_of(*[st.sampled_from(known[k])] * 3, st.just(v)) if k in known else st.just(v)
                for k, v in values.items()
            }
        )

    undeclared = _undeclared(world)

    def fill_undeclared(_context: Any, case: Any) -> Any:
        build = undeclared.get((case.method.upper(), case.path))
        return st.just(case) if build is None else build(case)

    schema.hook("flatmap_path_parameters")(swap_in_known)
    schema.hook("flatmap_query")(swap_in_known)
    schema.hook("flatmap_case")(fill_undeclared)
    return schema


def _strategy(operation: Any) -> st.SearchStrategy[Any]:
    """Positive and negative cases of ``operation``, and the examples its schema gives."""
    sources = [operation.as_strategy(GenerationMode.POSITIVE)]
    if operation.path_parameters or operation.query or operation.body:  # nothing to break otherwise
        sources.append(operation.as_strategy(GenerationMode.NEGATIVE))
    sources += operation.get_strategies_from_examples()
    return st.one_of(sources)


def _fuzz(operation: Any, token: str, made: Counter[str]) -> None:
    """Call ``operation`` with generated cases; Schemathesis's checks raise on a 5xx or a slow answer."""

    @hypothesis.given(case=_strategy(operation))
    @SETTINGS
    def run(case: Any) -> None:
        made[operation.label] += 1
        case.call_and_validate(headers=bearer(token), checks=[not_a_server_error, max_response_time])

    run()


def _fuzz_all(world: World, token: str, labels: frozenset[str] | None, subtests: Any) -> tuple[Counter[str], set[str]]:
    """Every operation (or those of ``labels``) as a subtest: the requests made per operation, the operations fuzzed."""
    made: Counter[str] = Counter()
    fuzzed: set[str] = set()
    schema = _schema(world, token)
    try:
        for result in schema.get_all_operations():
            operation = result.ok()  # raises if the app's schema is broken
            if labels is None or operation.label in labels:
                fuzzed.add(operation.label)
                with subtests.test(msg=operation.label):
                    _fuzz(operation, token, made)
    finally:
        asgi.shutdown_lifespans()  # the app's feed hub closes while the store is still open
    return made, fuzzed


#: Operations whose answer depends on the caller being an administrator (or acting for any member).
ADMIN_OPERATIONS = frozenset(
    {
        "GET /api/v1/audit",
        "POST /api/v1/rfis/{rfi_id}/close",
        "POST /api/v1/review/decisions",
        "POST /api/v1/resolution/run",
        "POST /api/v1/airpicture/plots",
        "POST /api/v1/airpicture/plots.csv",
        "POST /api/v1/airpicture/asterix",
        "POST /api/v1/airpicture/modes/{sensor_id}",
        "POST /api/v1/airpicture/sensors",
        "POST /api/v1/airpicture/areas",
        "POST /api/v1/airpicture/tracks/{track_number}/identity",
        "POST /api/v1/oversight/plan",
        "PATCH /api/v1/oversight/plan/{item_id}",
        "POST /api/v1/oversight/contributions",
        "DELETE /api/v1/oversight/contributions/{entry_id}",
        "DELETE /taxii2/{api_root}/collections/{collection_id}/objects/{object_id}/",
    }
)


def test_every_operation_answers_an_analyst_without_5xx_or_hang(world: World, subtests: Any) -> None:
    made, fuzzed = _fuzz_all(world, world.analyst, None, subtests)
    print(f"{sum(made.values())} generated requests over {len(made)} operations")
    assert set(made) == fuzzed and len(fuzzed) >= 63  # every operation of /openapi.json was called, none excluded
    assert sum(made.values()) >= MIN_REQUESTS, made


def test_administrators_operations_answer_without_5xx_or_hang(world: World, subtests: Any) -> None:
    made, fuzzed = _fuzz_all(world, world.admin, ADMIN_OPERATIONS, subtests)
    print(f"{sum(made.values())} generated requests over {len(made)} operations")
    assert set(made) == fuzzed == ADMIN_OPERATIONS
    assert sum(made.values()) >= len(ADMIN_OPERATIONS) * EXAMPLES
