"""Requests for information: asked, answered and closed by the right members, and nonexistent for
everyone the visibility rule leaves out."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.domain import marking
from intelcell.domain.label import parse
from intelcell.domain.policy import Viewer, can_read
from intelcell.exchange import collections, ingest
from intelcell.exchange.collections import Collection
from intelcell.store import audit
from intelcell.store.schema import rfi_answers, rfis
from intelcell.store.users import User
from tests.helpers import bearer
from tests.taxii.conftest import sdo

DEADLINE = "2026-12-01T12:00:00Z"  # the test clock starts at 2026-11-28T09:00:00Z


def question(**overrides: Any) -> dict[str, Any]:
    """A valid RFI body, with fields replaced by ``overrides``."""
    return {
        "question": "Who moves recruits across the border at Al-Qaim, and by which route?",
        "label": "NATO SECRET // REL TO COALITION",
        "addressees": ["LEVANT"],
        "deadline": DEADLINE,
        "priority": "immediate",
        **overrides,
    }


def reply(**overrides: Any) -> dict[str, Any]:
    """A valid answer body, with fields replaced by ``overrides``."""
    return {
        "text": "Two facilitators, route via Husaybah.",
        "label": "NATO RESTRICTED // REL TO COALITION",
        **overrides,
    }


def stored(cell: Cell) -> tuple[int, int, int]:
    """(RFIs, answers, audit entries) as stored."""
    with cell.db.read() as conn:
        asked = conn.execute(select(func.count()).select_from(rfis)).scalar_one()
        answered = conn.execute(select(func.count()).select_from(rfi_answers)).scalar_one()
        return asked, answered, audit.count(conn)


@pytest.fixture
def shared(cell: Cell) -> Collection:
    return collections.create(
        cell,
        title="shared",
        description="objects RFI answers cite",
        alias=None,
        default_label=parse("NATO RESTRICTED // REL TO COALITION", cell.vocabulary),
        readers=["COALITION"],
        writers=["COALITION"],
        release_limit=["COALITION"],
        audit_path="test",
    )


def publish(cell: Cell, collection: Collection, user: User, label_text: str) -> str:
    """Store one object under ``label_text`` as ``user``; return its id."""
    label = parse(label_text, cell.vocabulary)
    cell.labels.ensure(cell.db, [label])
    obj = {**sdo(), "object_marking_refs": [marking.marking_id(label)]}
    status = ingest.store(cell, user, collection, [obj], "test")
    assert status["failure_count"] == 0, status
    return obj["id"]  # type: ignore[no-any-return]


def ask(client: TestClient, token: str, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/rfis", json=question(**overrides), headers=bearer(token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


# --- lifecycle -------------------------------------------------------------------------------------


def test_an_rfi_is_asked_answered_and_closed_with_an_audit_entry_for_each_write(
    client: TestClient, cell: Cell, make_user, shared
) -> None:  # type: ignore[no-untyped-def]
    _usa, asker = make_user("USA", name="usa.asker")
    fra, answerer = make_user("FRA", name="fra.answerer")
    cited = publish(cell, shared, fra, "NATO RESTRICTED // REL TO COALITION")

    rfi = ask(client, asker)
    assert rfi["status"] == "open" and rfi["overdue"] is False and rfi["member"] == "USA"
    assert rfi["addressees"] == ["LEVANT"] and rfi["deadline"] == "2026-12-01T12:00:00.000000Z"
    assert rfi["label"] == "NATO SECRET // REL TO COALITION" and rfi["priority"] == "immediate"

    response = client.post(
        f"/api/v1/rfis/{rfi['id']}/answers", json=reply(object_ids=[cited]), headers=bearer(answerer)
    )
    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["member"] == "FRA" and answer["object_ids"] == [cited]

    listed = client.get("/api/v1/rfis", headers=bearer(asker)).json()["rfis"]
    assert [(r["id"], r["status"]) for r in listed] == [(rfi["id"], "answered")]
    read = client.get(f"/api/v1/rfis/{rfi['id']}", headers=bearer(asker)).json()
    assert [a["id"] for a in read["answers"]] == [answer["id"]] and read["answers"][0]["object_ids"] == [cited]

    closed = client.post(f"/api/v1/rfis/{rfi['id']}/close", headers=bearer(asker))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["closed_at"] == "2026-11-28T09:00:00.000000Z"

    with cell.db.read() as conn:
        writes = [e.fields for e in audit.entries_for_object(conn, rfi["id"]) if e.fields["action"] == "write"]
    assert [w["operation"] for w in writes] == ["rfi.create", "rfi.answer", "rfi.close"]
    assert writes[0]["object_ids"] == [rfi["id"]] and writes[0]["labels"] == [rfi["label"]]
    assert writes[1]["object_ids"] == [rfi["id"], answer["id"], cited]
    assert writes[1]["labels"] == [rfi["label"], answer["label"], "NATO RESTRICTED // REL TO COALITION"]
    assert all(w["member"] == m for w, m in zip(writes, ["USA", "FRA", "USA"], strict=True))


def test_a_closed_rfi_takes_no_answer_and_closes_once(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, asker = make_user("USA", name="usa.asker")
    _u, answerer = make_user("FRA", name="fra.answerer")
    rfi = ask(client, asker)
    assert client.post(f"/api/v1/rfis/{rfi['id']}/close", headers=bearer(asker)).status_code == 200
    before = stored(cell)
    again = client.post(f"/api/v1/rfis/{rfi['id']}/close", headers=bearer(asker))
    late = client.post(f"/api/v1/rfis/{rfi['id']}/answers", json=reply(), headers=bearer(answerer))
    assert (again.status_code, again.json()["error"]) == (409, "conflict")
    assert (late.status_code, late.json()["error"]) == (409, "conflict")
    assert stored(cell) == before


def test_an_unanswered_rfi_past_its_deadline_is_overdue_until_answered(
    client: TestClient, cell: Cell, clock, make_user
) -> None:  # type: ignore[no-untyped-def]
    _u, asker = make_user("USA", name="usa.asker")
    _u, answerer = make_user("FRA", name="fra.answerer")
    late = ask(client, asker, deadline="2026-11-29T09:00:00Z")
    later = ask(client, asker, deadline="2026-12-05T09:00:00+01:00")

    def ids(status: str) -> list[str]:
        listed = client.get(f"/api/v1/rfis?status={status}", headers=bearer(asker)).json()["rfis"]
        return [r["id"] for r in listed]

    assert ids("overdue") == [] and ids("open") == [later["id"], late["id"]]
    clock.advance(days=1, seconds=1)
    assert ids("overdue") == [late["id"]] and ids("open") == [later["id"], late["id"]]
    assert client.get(f"/api/v1/rfis/{late['id']}", headers=bearer(asker)).json()["overdue"] is True
    assert client.get(f"/api/v1/rfis/{later['id']}", headers=bearer(asker)).json()["overdue"] is False

    client.post(f"/api/v1/rfis/{late['id']}/answers", json=reply(), headers=bearer(answerer))
    assert ids("overdue") == [] and ids("answered") == [late["id"]] and ids("open") == [later["id"]]
    assert client.get(f"/api/v1/rfis/{late['id']}", headers=bearer(asker)).json()["overdue"] is False

    client.post(f"/api/v1/rfis/{later['id']}/close", headers=bearer(asker))
    clock.advance(days=10)
    assert ids("overdue") == [] and ids("closed") == [later["id"]]


def test_mine_lists_only_rfis_my_member_asked(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, usa = make_user("USA", name="usa.asker")
    _u, fra = make_user("FRA", name="fra.asker")
    asked_by_usa = ask(client, usa)["id"]
    asked_by_fra = ask(client, fra, addressees=["USA"])["id"]
    everything = client.get("/api/v1/rfis", headers=bearer(usa)).json()["rfis"]
    mine = client.get("/api/v1/rfis?mine=true", headers=bearer(usa)).json()["rfis"]
    assert [r["id"] for r in everything] == [asked_by_fra, asked_by_usa]
    assert [r["id"] for r in mine] == [asked_by_usa]


def test_list_is_newest_first_and_limited(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, usa = make_user("USA", name="usa.asker")
    asked = [ask(client, usa, question=f"question {n}")["id"] for n in range(3)]
    listed = client.get("/api/v1/rfis?limit=2", headers=bearer(usa)).json()["rfis"]
    assert [r["id"] for r in listed] == asked[::-1][:2]
    for bad in ("limit=0", "limit=1001", "limit=x", "status=pending", "mine=perhaps"):
        response = client.get(f"/api/v1/rfis?{bad}", headers=bearer(usa))
        assert response.status_code == 422 and response.json()["error"] == "invalid_request", bad


def test_reads_that_release_an_rfi_are_audited_and_others_are_not(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, usa = make_user("USA", name="usa.asker")
    _u, outsider = make_user("AUS", name="aus.outsider")
    rfi = ask(client, usa)
    before = stored(cell)
    client.get(f"/api/v1/rfis/{rfi['id']}", headers=bearer(outsider))
    client.get("/api/v1/rfis", headers=bearer(outsider))
    assert stored(cell) == before
    client.get(f"/api/v1/rfis/{rfi['id']}", headers=bearer(usa))
    client.get("/api/v1/rfis", headers=bearer(usa))
    with cell.db.read() as conn:
        reads = [e.fields for e in audit.entries_for_object(conn, rfi["id"]) if e.fields["action"] == "read"]
    assert [(r["operation"], r["member"], r["labels"]) for r in reads] == [
        ("rfi.read", "USA", [rfi["label"]]),
        ("rfi.list", "USA", [rfi["label"]]),
    ]


def test_an_answer_names_cited_objects_to_their_originator_without_the_rfi_path(
    client: TestClient, cell: Cell, make_user, shared
) -> None:  # type: ignore[no-untyped-def]
    _u, asker = make_user("USA", name="usa.asker")
    _tur, answerer = make_user("TUR", name="tur.answerer")
    fra, originator = make_user("FRA", name="fra.originator")
    cited = publish(cell, shared, fra, "NATO RESTRICTED // REL TO COALITION")
    rfi = ask(client, asker, label="NATO SECRET // REL TO USA, TUR", addressees=["TUR"])
    client.post(f"/api/v1/rfis/{rfi['id']}/answers", json=reply(object_ids=[cited]), headers=bearer(answerer))
    entries = client.get(f"/api/v1/audit?object_id={cited}", headers=bearer(originator)).json()["entries"]
    used = [e for e in entries if e["operation"] == "rfi.answer"]
    assert len(used) == 1 and used[0]["member"] == "TUR"
    assert used[0]["label"] == "NATO RESTRICTED // REL TO COALITION" and rfi["id"] not in str(entries)


# --- who sees what ---------------------------------------------------------------------------------

AUTHORS = {  # name: member, clearance, caveats
    "usa": ("USA", "NATO SECRET", ("SIGINT",)),
    "fra": ("FRA", "NATO SECRET", ()),
    "irq": ("IRQ", "NATO SECRET", ()),
    "tur": ("TUR", "NATO SECRET", ()),
    "deu": ("DEU", "NATO SECRET", ()),
    "jor": ("JOR", "NATO CONFIDENTIAL", ()),
    "nato": ("NATO", "NATO COSMIC TOP SECRET", ("ATOMAL", "SIGINT")),
}
OBJECTS = {  # name: publisher, label
    "fra_only": ("fra", "FRA SECRET"),
    "coalition": ("fra", "NATO RESTRICTED // REL TO COALITION"),
    "sigint": ("usa", "NATO SECRET // SIGINT"),
}
RFIS = {  # name: asker, label, addressees
    "levant": ("usa", "NATO SECRET // REL TO COALITION", ["LEVANT"]),
    "french": ("fra", "FRA SECRET // REL TO DEU", ["DEU"]),
    "sigint": ("usa", "NATO SECRET // SIGINT", ["NATO"]),
    "iraqi": ("irq", "NATO CONFIDENTIAL // REL TO COALITION", ["JOR", "SAU"]),
    "nato_only": ("nato", "NATO UNCLASSIFIED", ["COALITION"]),
    "sahel": ("tur", "NATO RESTRICTED // REL TO COALITION", ["SAHEL"]),
}
ANSWERS = [  # answerer, RFI, label, cited objects
    ("fra", "levant", "FRA SECRET // REL TO USA", ("fra_only", "coalition")),
    ("irq", "levant", "NATO CONFIDENTIAL // REL TO COALITION", ("coalition",)),
    ("deu", "french", "DEU SECRET // REL TO FRA", ()),
    ("nato", "sigint", "NATO SECRET // ATOMAL, SIGINT", ("sigint",)),
    ("jor", "iraqi", "NATO RESTRICTED // REL TO COALITION", ("coalition",)),
]
VIEWERS = [  # member, clearance, caveats
    ("USA", "NATO SECRET", ("SIGINT",)),
    ("USA", "NATO SECRET", ()),
    ("USA", "NATO CONFIDENTIAL", ()),
    ("FRA", "NATO SECRET", ()),
    ("FRA", "NATO RESTRICTED", ()),
    ("DEU", "NATO SECRET", ()),
    ("DEU", "NATO CONFIDENTIAL", ()),
    ("TUR", "NATO SECRET", ()),
    ("IRQ", "NATO SECRET", ()),
    ("JOR", "NATO CONFIDENTIAL", ()),
    ("SAU", "NATO SECRET", ()),
    ("NER", "NATO SECRET", ()),
    ("GBR", "NATO SECRET", ()),
    ("AUS", "NATO SECRET", ()),
    ("NATO", "NATO COSMIC TOP SECRET", ("SIGINT",)),
    ("NATO", "NATO COSMIC TOP SECRET", ("ATOMAL", "SIGINT")),
]


@dataclass
class World:
    """Everything RFIS, ANSWERS and OBJECTS stored, by name: ids, labels and originating members."""

    objects: dict[str, tuple[str, str, str]]  # name: id, label, originator
    rfis: dict[str, tuple[str, str, str, list[str]]]  # name: id, label, asker member, addressees
    answers: list[tuple[str, str, str, str, tuple[str, ...]]]  # id, RFI name, label, member, cited names


@pytest.fixture
def world(client: TestClient, cell: Cell, make_user, shared) -> World:  # type: ignore[no-untyped-def]
    authors = {
        name: make_user(member, clearance, caveats, name=f"{name}.author")
        for name, (member, clearance, caveats) in AUTHORS.items()
    }
    objects = {
        name: (publish(cell, shared, authors[by][0], label), label, authors[by][0].member)
        for name, (by, label) in OBJECTS.items()
    }
    asked = {}
    for name, (by, label, addressees) in RFIS.items():
        rfi = ask(client, authors[by][1], label=label, addressees=addressees, question=f"about {name}")
        asked[name] = (rfi["id"], label, authors[by][0].member, addressees)
    answers = []
    for by, rfi_name, label, cited in ANSWERS:
        body = reply(label=label, object_ids=[objects[c][0] for c in cited])
        response = client.post(f"/api/v1/rfis/{asked[rfi_name][0]}/answers", json=body, headers=bearer(authors[by][1]))
        assert response.status_code == 201, response.text
        answers.append((response.json()["id"], rfi_name, label, authors[by][0].member, cited))
    return World(objects, asked, answers)


def sees_rfi(cell: Cell, viewer: Viewer, label: str, asker: str, addressees: list[str]) -> bool:
    """The visibility rule, stated independently of the code under test."""
    readable = can_read(viewer, parse(label, cell.vocabulary), asker, cell.registry)
    return readable and (viewer.member == asker or viewer.member in cell.registry.expand(addressees))


def reads(cell: Cell, viewer: Viewer, label: str, originator: str) -> bool:
    return can_read(viewer, parse(label, cell.vocabulary), originator, cell.registry)


def same_404(a: Any, b: Any, a_id: str, b_id: str) -> None:
    """Two answers are the same 404, byte for byte once the ids they name are set aside."""
    assert a.status_code == b.status_code == 404
    assert a.content.replace(a_id.encode(), b"ID") == b.content.replace(b_id.encode(), b"ID")
    assert dict(a.headers) == dict(b.headers)


@pytest.mark.parametrize(("member", "clearance", "caveats"), VIEWERS)
def test_each_viewer_sees_exactly_the_rfis_answers_and_cited_objects_the_rule_allows(
    client: TestClient, cell: Cell, make_user, world: World, member, clearance, caveats
) -> None:  # type: ignore[no-untyped-def]
    user, token = make_user(member, clearance, caveats, name=f"viewer.{clearance}.{'.'.join(caveats)}")
    viewer = user.viewer
    visible = {name for name, (_id, label, asker, to) in world.rfis.items() if sees_rfi(cell, viewer, label, asker, to)}
    answered = {
        name: [
            (answer_id, [world.objects[c][0] for c in cited if reads(cell, viewer, *world.objects[c][1:])])
            for answer_id, rfi_name, label, by, cited in world.answers
            if rfi_name == name and reads(cell, viewer, label, by)
        ]
        for name in visible
    }

    listed = client.get("/api/v1/rfis?limit=1000", headers=bearer(token)).json()["rfis"]
    assert {r["id"] for r in listed} == {world.rfis[name][0] for name in visible}
    assert {r["id"]: r["status"] for r in listed} == {
        world.rfis[name][0]: "answered" if answered[name] else "open" for name in visible
    }
    by_status = client.get("/api/v1/rfis?status=answered", headers=bearer(token)).json()["rfis"]
    assert {r["id"] for r in by_status} == {world.rfis[name][0] for name in visible if answered[name]}

    before = stored(cell)
    for name, (rfi_id, *_rest) in world.rfis.items():
        response = client.get(f"/api/v1/rfis/{rfi_id}", headers=bearer(token))
        if name in visible:
            assert response.status_code == 200
            assert [(a["id"], a["object_ids"]) for a in response.json()["answers"]] == answered[name]
            continue
        missing = str(uuid.uuid4())
        same_404(response, client.get(f"/api/v1/rfis/{missing}", headers=bearer(token)), rfi_id, missing)
        attempts = {
            "answers": {"json": reply(label="NATO UNCLASSIFIED")},
            "close": {},
        }
        for action, kwargs in attempts.items():
            hidden = client.post(f"/api/v1/rfis/{rfi_id}/{action}", headers=bearer(token), **kwargs)
            unknown = client.post(f"/api/v1/rfis/{missing}/{action}", headers=bearer(token), **kwargs)
            same_404(hidden, unknown, rfi_id, missing)
    assert stored(cell)[:2] == before[:2]


# --- refused requests store nothing ----------------------------------------------------------------

BAD_QUESTIONS = [  # name, body or raw bytes, status, error, reason fragment
    ("unknown addressee", question(addressees=["LEVANT", "XYZ"]), 422, "invalid_request", "XYZ"),
    ("no addressee", question(addressees=[]), 422, "invalid_request", "addressees"),
    ("only the asking member", question(addressees=["USA"]), 422, "invalid_request", "other than the asking"),
    ("bad label", question(label="NATO SEKRET"), 422, "invalid_label", "SEKRET"),
    ("label above clearance", question(label="NATO COSMIC TOP SECRET"), 422, "label_not_permitted", "above"),
    ("caveat not held", question(label="NATO SECRET // ATOMAL"), 422, "label_not_permitted", "above"),
    ("deadline in the past", question(deadline="2026-11-27T09:00:00Z"), 422, "invalid_request", "future"),
    ("deadline now", question(deadline="2026-11-28T09:00:00Z"), 422, "invalid_request", "future"),
    ("deadline without zone", question(deadline="2026-12-01T12:00:00"), 422, "invalid_request", "time zone"),
    ("deadline not a time", question(deadline="Friday"), 422, "invalid_request", "ISO 8601"),
    ("bad priority", question(priority="urgent"), 422, "invalid_request", "priority"),
    ("empty question", question(question=""), 422, "invalid_request", "question"),
    ("blank question", question(question="   "), 422, "invalid_request", "question is empty"),
    ("oversized question", question(question="x" * 4001), 422, "invalid_request", "question"),
    ("question not text", question(question=5), 422, "invalid_request", "question"),
    ("extra field", question(urgent=True), 422, "invalid_request", "urgent"),
    ("missing label", {k: v for k, v in question().items() if k != "label"}, 422, "invalid_request", "label"),
    ("malformed JSON", b'{"question": ', 400, "malformed_json", "not valid JSON"),
]


@pytest.mark.parametrize(
    ("body", "status", "error", "fragment"), [c[1:] for c in BAD_QUESTIONS], ids=[c[0] for c in BAD_QUESTIONS]
)
def test_a_refused_question_stores_nothing_and_says_why(
    client: TestClient, cell: Cell, make_user, body, status, error, fragment
) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("USA", "NATO SECRET", name="usa.asker")
    before = stored(cell)
    if isinstance(body, bytes):
        headers = {**bearer(token), "Content-Type": "application/json"}
        response = client.post("/api/v1/rfis", content=body, headers=headers)
    else:
        response = client.post("/api/v1/rfis", json=body, headers=bearer(token))
    assert (response.status_code, response.json()["error"]) == (status, error), response.text
    assert fragment in response.json()["reason"]
    assert stored(cell) == before


@pytest.fixture
def levant(client: TestClient, cell: Cell, make_user, shared) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """An RFI of USA to LEVANT, tokens of its cast, and objects an answer could cite."""
    _u, asker = make_user("USA", name="usa.asker")
    fra, _t = make_user("FRA", name="fra.publisher")
    return {
        "rfi": ask(client, asker),
        "asker": asker,
        "colleague": make_user("USA", name="usa.colleague")[1],
        "tur": make_user("TUR", name="tur.answerer")[1],
        "tur_low": make_user("TUR", "NATO CONFIDENTIAL", name="tur.low")[1],
        "aus": make_user("AUS", name="aus.outsider")[1],
        "nato_admin": make_user("NATO", role="admin", name="nato.admin")[1],
        "aus_admin": make_user("AUS", role="admin", name="aus.admin")[1],
        "fra_only": publish(cell, shared, fra, "FRA SECRET"),
        "coalition": publish(cell, shared, fra, "NATO RESTRICTED // REL TO COALITION"),
    }


BAD_ANSWERS = [  # name, who answers, body (with {object} names resolved), status, error, reason fragment
    ("unreadable object", "tur", {"object_ids": ["fra_only"]}, 422, "invalid_request", "unknown object"),
    ("missing object", "tur", {"object_ids": ["coalition", "missing"]}, 422, "invalid_request", "unknown object"),
    ("asking member", "colleague", {}, 403, "forbidden", "only addressees answer"),
    ("not an addressee and cannot see it", "aus", {}, 404, "not_found", "no RFI"),
    ("addressee below the RFI label", "tur_low", {}, 404, "not_found", "no RFI"),
    ("label above clearance", "tur", {"label": "NATO COSMIC TOP SECRET"}, 422, "label_not_permitted", "above"),
    ("bad label", "tur", {"label": "NATO // SECRET"}, 422, "invalid_label", ""),
    ("empty text", "tur", {"text": ""}, 422, "invalid_request", "text"),
    ("blank text", "tur", {"text": "\n "}, 422, "invalid_request", "text is empty"),
    ("oversized text", "tur", {"text": "x" * 4001}, 422, "invalid_request", "text"),
    ("extra field", "tur", {"confidence": 80}, 422, "invalid_request", "confidence"),
    ("malformed JSON", "tur", b"[", 400, "malformed_json", "not valid JSON"),
]


@pytest.mark.parametrize(
    ("who", "change", "status", "error", "fragment"), [c[1:] for c in BAD_ANSWERS], ids=[c[0] for c in BAD_ANSWERS]
)
def test_a_refused_answer_stores_nothing_and_says_why(
    client: TestClient, cell: Cell, levant, who, change, status, error, fragment
) -> None:  # type: ignore[no-untyped-def]
    path = f"/api/v1/rfis/{levant['rfi']['id']}/answers"
    headers = bearer(levant[who])
    before = stored(cell)
    if isinstance(change, bytes):
        response = client.post(path, content=change, headers={**headers, "Content-Type": "application/json"})
    else:
        cited = [levant.get(name, f"indicator--{uuid.uuid4()}") for name in change.get("object_ids", [])]
        response = client.post(path, json=reply(**{**change, "object_ids": cited}), headers=headers)
    assert (response.status_code, response.json()["error"]) == (status, error), response.text
    assert fragment in response.json()["reason"]
    assert stored(cell) == before


def test_an_unreadable_object_is_refused_exactly_like_a_missing_one(client: TestClient, levant) -> None:  # type: ignore[no-untyped-def]
    path = f"/api/v1/rfis/{levant['rfi']['id']}/answers"
    missing = f"threat-actor--{uuid.uuid4()}"
    a = client.post(path, json=reply(object_ids=[levant["fra_only"]]), headers=bearer(levant["tur"]))
    b = client.post(path, json=reply(object_ids=[missing]), headers=bearer(levant["tur"]))
    assert a.status_code == b.status_code == 422
    assert a.content.replace(levant["fra_only"].encode(), b"ID") == b.content.replace(missing.encode(), b"ID")


CLOSERS = [  # who closes, status, error
    ("aus", 404, "not_found"),
    ("aus_admin", 404, "not_found"),
    ("tur", 403, "forbidden"),
    ("nato_admin", 200, None),
    ("colleague", 200, None),
    ("asker", 200, None),
]


@pytest.mark.parametrize(("who", "status", "error"), CLOSERS)
def test_only_the_asking_member_or_an_administrator_who_sees_it_closes_an_rfi(
    client: TestClient, cell: Cell, levant, who, status, error
) -> None:  # type: ignore[no-untyped-def]
    rfi_id = levant["rfi"]["id"]
    before = stored(cell)
    response = client.post(f"/api/v1/rfis/{rfi_id}/close", headers=bearer(levant[who]))
    assert response.status_code == status, response.text
    if error:
        assert response.json()["error"] == error
        assert stored(cell) == before
    else:
        assert response.json()["status"] == "closed"
        assert stored(cell) == (before[0], before[1], before[2] + 1)
    if status == 404:
        missing = str(uuid.uuid4())
        same_404(response, client.post(f"/api/v1/rfis/{missing}/close", headers=bearer(levant[who])), rfi_id, missing)
