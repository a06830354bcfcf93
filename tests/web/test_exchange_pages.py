"""Exchange pages (search, object, graph) show each user exactly what it may read, and nothing of the rest.

The store holds objects under a coalition label, a French national label, a SIGINT caveat and
COSMIC, relationships between them, and a description under a SIGINT portion label. A Turkish
analyst (NATO SECRET) and a German analyst (NATO SECRET with SIGINT) see different parts of it.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from intelcell.domain import marking
from intelcell.domain.label import parse
from intelcell.store.schema import audit_log
from tests.taxii.conftest import Taxii, sdo
from tests.web.test_pages import MakeUser, sign_in

COALITION = "NATO SECRET // REL TO COALITION"
OPEN = "NATO RESTRICTED // REL TO COALITION"
FRENCH = "FRA CONFIDENTIAL // REL TO BEL, DEU"
SIGINT = "NATO SECRET // SIGINT"
COSMIC = "NATO COSMIC TOP SECRET"
HOSTILE = "<script>alert(1)</script>"
ARABIC = "أبو محمد العراقي"
PORTION_TEXT = "intercepted call between couriers"


@dataclass
class Corpus:
    """Ids of the stored test objects."""

    ids: dict[str, str]
    names: dict[str, str]


def _relationship(kind: str, source: str, target: str) -> dict[str, Any]:
    return {
        "type": "relationship",
        "spec_version": "2.1",
        "id": f"relationship--{uuid.uuid4()}",
        "created": "2026-11-20T09:00:00.000Z",
        "modified": "2026-11-20T09:00:00.000Z",
        "relationship_type": kind,
        "source_ref": source,
        "target_ref": target,
    }


@pytest.fixture
def corpus(taxii: Taxii) -> Corpus:
    """Labelled actors, a place, relationships (one to an unreadable object) and a portion label."""
    sigint_mark = marking.marking_id(parse(SIGINT, taxii.cell.vocabulary))
    taxii.labelled({}, SIGINT)  # registers the portion label's marking-definition
    objs = {
        "coalition": taxii.labelled(
            sdo(
                name=ARABIC,
                description=PORTION_TEXT,
                granular_markings=[{"marking_ref": sigint_mark, "selectors": ["description"]}],
            ),
            COALITION,
        ),
        "hostile": taxii.labelled(sdo(name=HOSTILE, description=HOSTILE), OPEN),
        "place": taxii.labelled(sdo("location", name="Mosul district", country="IQ"), OPEN),
        "french": taxii.labelled(sdo(name="french national actor"), FRENCH),
        "sigint": taxii.labelled(sdo(name="sigint only actor"), SIGINT),
        "cosmic": taxii.labelled(sdo(name="cosmic actor"), COSMIC),
    }
    ids = {key: obj["id"] for key, obj in objs.items()}
    rels = {
        "located": taxii.labelled(_relationship("located-at", ids["coalition"], ids["place"]), OPEN),
        "to_sigint": taxii.labelled(_relationship("related-to", ids["coalition"], ids["sigint"]), OPEN),
        "to_cosmic": taxii.labelled(_relationship("related-to", ids["cosmic"], ids["place"]), OPEN),
        "hostile_at": taxii.labelled(_relationship("located-at", ids["hostile"], ids["place"]), OPEN),
    }
    sighting = taxii.labelled(
        {
            "type": "sighting",
            "spec_version": "2.1",
            "id": f"sighting--{uuid.uuid4()}",
            "created": "2026-11-20T09:00:00.000Z",
            "modified": "2026-11-20T09:00:00.000Z",
            "sighting_of_ref": ids["coalition"],
            "where_sighted_refs": [],
            "count": 2,
        },
        OPEN,
    )
    sighting.pop("where_sighted_refs")
    taxii.add([*objs.values(), *rels.values(), sighting], define=True)
    ids |= {key: obj["id"] for key, obj in rels.items()} | {"sighting": sighting["id"]}
    names = {key: obj["name"] for key, obj in objs.items()}
    return Corpus(ids, names)


#: What each test user reads: member, clearance, caveats, readable object keys.
USERS = {
    "tur": ("TUR", "NATO SECRET", (), {"coalition", "hostile", "place"}),
    "deu": ("DEU", "NATO SECRET", ("SIGINT",), {"coalition", "hostile", "place", "french", "sigint"}),
}
THINGS = ("coalition", "hostile", "place", "french", "sigint", "cosmic")


def _client(taxii: Taxii, make_user: MakeUser, who: str) -> TestClient:
    member, clearance, caveats, _ = USERS[who]
    _u, token = make_user(member, clearance, caveats, name=f"{who}.exchange")
    taxii.client.cookies.clear()  # a second user in the same test signs in afresh
    assert sign_in(taxii.client, token).status_code == 303
    return taxii.client


def _main(html: str) -> str:
    found = re.search(r"<main[^>]*>(.*)</main>", html, re.S)
    assert found
    return found.group(1)


def _banners(html: str) -> list[str]:
    return re.findall(r"data-banner>([^<]*)</div>", html)


def _search_ids(html: str) -> set[str]:
    return set(re.findall(r'<tr data-object="([^"]+)">', html))


def _facet(html: str, name: str) -> dict[str, int]:
    block = re.search(rf'data-facet="{name}">(.*?)</fieldset>', html, re.S)
    assert block, name
    values = re.findall(r'value="([^"]*)"[^>]*>.*?data-count>(\d+)<', block.group(1), re.S)
    return {v.replace("&#34;", '"').replace("&#39;", "'").replace("&amp;", "&"): int(c) for v, c in values}


# -- search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", USERS)
def test_search_results_and_facet_counts_cover_only_readable_objects(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser, who: str
) -> None:
    client = _client(taxii, make_user, who)
    readable = USERS[who][3]
    html = client.get("/search", params={"type": "threat-actor"}).text
    expected = {corpus.ids[k] for k in readable if k != "place"}
    assert _search_ids(html) == expected
    assert _facet(html, "type") == {"threat-actor": len(expected)}
    labels = _facet(html, "label")
    assert sum(labels.values()) == len(expected)
    for key in set(THINGS) - readable:
        assert corpus.ids[key] not in html and corpus.names[key] not in html
    assert "COSMIC" not in _main(html)
    if who == "tur":
        assert FRENCH not in html and SIGINT not in _main(html)
        assert PORTION_TEXT not in html


def test_search_by_a_word_in_a_hidden_portion_finds_nothing_for_a_reader_without_it(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser
) -> None:
    client = _client(taxii, make_user, "tur")
    html = client.get("/search", params={"q": "intercepted"}).text
    assert _search_ids(html) == set()
    assert "Nothing you may read matches this search" in html


def test_search_facets_are_links_and_checkboxes_and_a_filter_narrows_the_results(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser
) -> None:
    client = _client(taxii, make_user, "deu")
    html = client.get("/search", params={"label": OPEN}).text
    # Relationships and the sighting are objects too: everything under OPEN the reader may read.
    assert corpus.ids["hostile"] in _search_ids(html) and corpus.ids["coalition"] not in _search_ids(html)
    assert _facet(html, "label") == {OPEN: len(_search_ids(html))}
    assert re.search(r'name="label" value="NATO RESTRICTED // REL TO COALITION" checked', html)
    assert 'href="/search?label=NATO+RESTRICTED' in html  # the month facet keeps the filters


def test_search_banner_is_the_dominant_label_of_the_results_shown(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser
) -> None:
    client = _client(taxii, make_user, "tur")
    html = client.get("/search", params={"type": "threat-actor"}).text
    assert _banners(html) == [COALITION, COALITION]
    assert _banners(client.get("/search", params={"type": "location"}).text) == [OPEN, OPEN]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-13-45"}, "Added from: &#39;2026-13-45&#39; is not a date"),
        ({"to": "yesterday"}, "Added to: &#39;yesterday&#39; is not a date"),
        ({"from": "2026-11-20", "to": "2026-11-01"}, "Added from must be before Added to"),
    ],
)
def test_bad_search_input_gets_a_422_page_with_the_reason(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser, params: dict[str, str], message: str
) -> None:
    client = _client(taxii, make_user, "tur")
    response = client.get("/search", params=params)
    assert response.status_code == 422
    assert message in response.text and 'role="alert"' in response.text
    assert _search_ids(response.text) == set()


def test_a_query_too_long_is_refused_not_run(taxii: Taxii, corpus: Corpus, make_user: MakeUser) -> None:
    client = _client(taxii, make_user, "tur")
    response = client.get("/search", params={"q": "x" * 501})
    assert response.status_code == 422 and 'id="search-error"' in response.text  # the page, not JSON
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "0001-01-01"}, "Added from: only years 1900 to 9999 can be searched"),
        ({"from": "0999-06-01"}, "Added from: only years 1900 to 9999 can be searched"),
        ({"to": "9999-12-31"}, "Added to: 9999-12-31 is beyond the last date that can be searched"),
        ({"from": "2026-13-45T00:00:00Z"}, "Added from: &#39;2026-13-45T00:00:00Z&#39; is not a date"),
        ({"to": "2026-02-30T10:00:00Z"}, "Added to: &#39;2026-02-30T10:00:00Z&#39; is not a date"),
        ({"from": "2026-01-01" + " " * 40}, "Added from and Added to take a date"),
        ({"type": ["x" * 201]}, "Type: a value is longer than 200 characters"),
        ({"member": ["M" * 201]}, "Originator: a value is longer than 200 characters"),
        ({"label": ["L" * 501]}, "Label: a value is longer than 500 characters"),
        ({"type": [f"t{i}" for i in range(65)]}, "Type: at most 64 values can be chosen"),
        ({"member": [f"M{i}" for i in range(65)]}, "Originator: at most 64 values can be chosen"),
    ],
)
def test_search_input_that_used_to_fail_gets_the_page_with_a_422(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser, params: dict[str, Any], message: str
) -> None:
    client = _client(taxii, make_user, "tur")
    response = client.get("/search", params=params)
    assert response.status_code == 422, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text and 'role="alert"' in response.text
    assert _search_ids(response.text) == set()


def test_search_dates_at_the_edges_of_the_accepted_years_run(taxii: Taxii, corpus: Corpus, make_user: MakeUser) -> None:
    client = _client(taxii, make_user, "tur")
    response = client.get("/search", params={"from": "1900-01-01", "to": "9999-12-30", "type": "location"})
    assert response.status_code == 200 and _search_ids(response.text) == {corpus.ids["place"]}
    stamped = client.get("/search", params={"from": "1900-01-01T00:00:00Z", "to": "9999-12-31T00:00:00Z"})
    assert stamped.status_code == 200 and corpus.ids["place"] in _search_ids(stamped.text)


def test_search_dates_limit_by_whole_days(taxii: Taxii, corpus: Corpus, make_user: MakeUser) -> None:
    client = _client(taxii, make_user, "tur")
    today = taxii.cell.clock().date().isoformat()
    assert corpus.ids["place"] in _search_ids(client.get("/search", params={"from": today, "to": today}).text)
    assert _search_ids(client.get("/search", params={"to": "2026-01-01"}).text) == set()


def test_search_audits_what_it_released(taxii: Taxii, corpus: Corpus, make_user: MakeUser) -> None:
    client = _client(taxii, make_user, "tur")
    client.get("/search", params={"type": "location"})
    entry = _last_audit(taxii)
    assert entry["operation"] == "search" and entry["object_ids"] == [corpus.ids["place"]]


def test_search_with_nothing_shared_says_so(taxii: Taxii, make_user: MakeUser) -> None:
    client = _client(taxii, make_user, "tur")
    assert "Nothing shared with TUR at your clearance yet." in client.get("/search").text


# -- object page --------------------------------------------------------------------------------


def _last_audit(taxii: Taxii) -> dict[str, Any]:
    with taxii.cell.db.read() as conn:
        fields = conn.execute(select(audit_log.c.fields).order_by(audit_log.c.seq.desc()).limit(1)).scalar_one()
    return json.loads(fields)  # type: ignore[no-any-return]


def _audits(taxii: Taxii) -> list[dict[str, Any]]:
    with taxii.cell.db.read() as conn:
        return [json.loads(f) for f in conn.execute(select(audit_log.c.fields).order_by(audit_log.c.seq)).scalars()]


@pytest.mark.parametrize("who", USERS)
def test_object_pages_open_for_readable_objects_and_404_alike_for_unreadable_and_missing(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser, who: str
) -> None:
    client = _client(taxii, make_user, who)
    readable = USERS[who][3]
    missing = client.get(f"/objects/threat-actor--{uuid.uuid4()}")
    assert missing.status_code == 404
    for key in THINGS:
        response = client.get(f"/objects/{corpus.ids[key]}")
        if key in readable:
            assert response.status_code == 200, key
            assert corpus.names[key].replace("<", "&lt;").replace(">", "&gt;") in response.text
        else:
            assert response.status_code == 404, key
            assert response.text == missing.text  # same page, same words: no oracle
            assert dict(response.headers).keys() == dict(missing.headers).keys()


def test_an_unreadable_object_read_is_not_audited_and_a_readable_one_is(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser
) -> None:
    client = _client(taxii, make_user, "tur")
    before = len(_audits(taxii))
    client.get(f"/objects/{corpus.ids['sigint']}")
    assert len(_audits(taxii)) == before
    client.get(f"/objects/{corpus.ids['hostile']}")
    entries = _audits(taxii)[before:]
    assert [e["operation"] for e in entries] == ["object.read"]
    assert entries[0]["object_ids"][0] == corpus.ids["hostile"]


def test_an_object_page_is_one_audit_entry_naming_the_object_and_everything_shown_beside_it(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser
) -> None:
    client = _client(taxii, make_user, "tur")
    before = len(_audits(taxii))
    html = client.get(f"/objects/{corpus.ids['coalition']}").text
    entries = _audits(taxii)[before:]
    # One entry: a related object's originator cannot tell it was shown beside another object.
    assert [e["operation"] for e in entries] == ["object.read"]
    ids, labels = entries[0]["object_ids"], entries[0]["labels"]
    assert ids[0] == corpus.ids["coalition"] and labels[0] == COALITION
    shown = {corpus.ids[k] for k in ("coalition", "place", "located", "sighting")}
    assert set(ids) == shown and len(ids) == len(shown)
    assert all(f'href="/objects/{i}"' in html for i in shown - {corpus.ids["coalition"]})
    assert corpus.ids["sigint"] not in ids and corpus.ids["to_sigint"] not in ids  # not shown, not released
    expected = {corpus.ids[k]: OPEN for k in ("place", "located", "sighting")}
    assert dict(zip(ids, labels, strict=True)) == {corpus.ids["coalition"]: COALITION, **expected}


def test_object_page_lists_relationships_only_when_both_ends_are_readable(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser
) -> None:
    tur = _client(taxii, make_user, "tur")
    html = tur.get(f"/objects/{corpus.ids['coalition']}").text
    assert f'href="/objects/{corpus.ids["place"]}"' in html and f'href="/objects/{corpus.ids["located"]}"' in html
    assert f'href="/objects/{corpus.ids["sighting"]}"' in html  # a sighting of it
    assert corpus.ids["sigint"] not in html and corpus.ids["to_sigint"] not in html
    place = tur.get(f"/objects/{corpus.ids['place']}").text
    assert corpus.ids["cosmic"] not in place and corpus.ids["to_cosmic"] not in place
    assert corpus.ids["hostile"] in place
    # The relationship to the unreadable actor exists for TUR only as a 404.
    assert tur.get(f"/objects/{corpus.ids['to_sigint']}").status_code == 200  # readable itself...
    rel = tur.get(f"/objects/{corpus.ids['to_sigint']}").text
    assert corpus.ids["sigint"] not in rel  # ...but its unreadable end is never named


def test_a_reader_with_the_caveat_sees_the_relationship_to_the_sigint_object(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser
) -> None:
    deu = _client(taxii, make_user, "deu")
    html = deu.get(f"/objects/{corpus.ids['coalition']}").text
    assert f'href="/objects/{corpus.ids["sigint"]}"' in html and corpus.ids["to_sigint"] in html
    assert corpus.ids["cosmic"] not in deu.get(f"/objects/{corpus.ids['place']}").text


def test_portion_marked_field_is_shown_with_its_label_or_not_at_all(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser
) -> None:
    tur = _client(taxii, make_user, "tur")
    html = tur.get(f"/objects/{corpus.ids['coalition']}").text
    assert PORTION_TEXT not in html and 'data-prop="description"' not in html and SIGINT not in _main(html)
    assert _banners(html) == [COALITION, COALITION]
    deu = _client(taxii, make_user, "deu")
    html = deu.get(f"/objects/{corpus.ids['coalition']}").text
    assert PORTION_TEXT in html
    assert re.search(r'description <span class="pill-label portion"[^>]*>NATO SECRET // SIGINT</span>', html)
    assert _banners(html)[0] == "NATO SECRET // SIGINT"  # the portion shown raises the page's banner


def test_names_and_free_text_are_escaped_and_marked_dir_auto(taxii: Taxii, corpus: Corpus, make_user: MakeUser) -> None:
    client = _client(taxii, make_user, "tur")
    for path in (f"/objects/{corpus.ids['hostile']}", "/search", "/graph"):
        html = client.get(path).text
        assert HOSTILE not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, path
    obj = client.get(f"/objects/{corpus.ids['coalition']}").text
    assert f'<h1 dir="auto" class="object-name">{ARABIC}</h1>' in obj
    search = client.get("/search").text
    assert re.search(rf'<td dir="auto" class="name"><a [^>]*>{ARABIC}</a>', search)
    hostile = client.get(f"/objects/{corpus.ids['hostile']}").text
    assert '<span dir="auto">&lt;script&gt;alert(1)&lt;/script&gt;</span>' in hostile


def test_object_page_links_to_its_graph_and_a_too_long_id_is_a_plain_404(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser
) -> None:
    client = _client(taxii, make_user, "tur")
    assert f'href="/graph?focus={corpus.ids["place"]}"' in client.get(f"/objects/{corpus.ids['place']}").text
    assert client.get("/objects/" + "x" * 300).status_code == 404


# -- graph ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", USERS)
def test_graph_data_holds_only_readable_nodes_and_edges_between_them(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser, who: str
) -> None:
    client = _client(taxii, make_user, who)
    data = client.get("/graph/data.json").json()
    readable = {corpus.ids[k] for k in USERS[who][3]} | {corpus.ids["sighting"]}
    assert {n["id"] for n in data["nodes"]} == readable
    edges = {(e["source"], e["kind"], e["target"]) for e in data["edges"]}
    expected = {
        (corpus.ids["coalition"], "located-at", corpus.ids["place"]),
        (corpus.ids["hostile"], "located-at", corpus.ids["place"]),
        (corpus.ids["sighting"], "sighting_of_ref", corpus.ids["coalition"]),
    }
    if who == "deu":
        expected.add((corpus.ids["coalition"], "related-to", corpus.ids["sigint"]))
    assert edges == expected
    text = json.dumps(data, ensure_ascii=False)
    for key in set(THINGS) - USERS[who][3]:
        assert corpus.ids[key] not in text and corpus.names[key] not in text
    page = client.get("/graph").text
    assert set(re.findall(r'<tr data-node="([^"]+)">', page)) == readable
    assert 'id="graph"' in page and "at most 300 objects are drawn" in page


def test_graph_focus_limits_to_the_neighbourhood_and_404s_alike_when_unreadable(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser
) -> None:
    client = _client(taxii, make_user, "tur")
    data = client.get("/graph/data.json", params={"focus": corpus.ids["sighting"]}).json()
    # sighting -> coalition (1 hop) -> place (2 hops); hostile is 3 hops away.
    assert {n["id"] for n in data["nodes"]} == {corpus.ids[k] for k in ("sighting", "coalition", "place")}
    assert [n["id"] for n in data["nodes"] if n["focus"]] == [corpus.ids["sighting"]]
    hidden = client.get("/graph/data.json", params={"focus": corpus.ids["sigint"]})
    missing = client.get("/graph/data.json", params={"focus": f"threat-actor--{uuid.uuid4()}"})
    assert hidden.status_code == missing.status_code == 404 and hidden.content == missing.content
    page_hidden = client.get("/graph", params={"focus": corpus.ids["sigint"]})
    page_missing = client.get("/graph", params={"focus": f"threat-actor--{uuid.uuid4()}"})
    assert page_hidden.status_code == page_missing.status_code == 404
    assert page_hidden.text == page_missing.text


def test_graph_banner_and_audit_cover_what_it_draws(taxii: Taxii, corpus: Corpus, make_user: MakeUser) -> None:
    client = _client(taxii, make_user, "tur")
    html = client.get("/graph").text
    assert _banners(html) == [COALITION, COALITION]
    entry = _last_audit(taxii)
    assert entry["operation"] == "graph" and corpus.ids["coalition"] in entry["object_ids"]
    assert corpus.ids["to_sigint"] not in entry["object_ids"]


def test_graph_page_and_data_each_audit_what_they_return(taxii: Taxii, corpus: Corpus, make_user: MakeUser) -> None:
    client = _client(taxii, make_user, "tur")
    before = len(_audits(taxii))
    page = client.get("/graph").text
    data = client.get("/graph/data.json").json()
    entries = _audits(taxii)[before:]
    assert [e["operation"] for e in entries] == ["graph", "graph"]
    nodes = {n["id"] for n in data["nodes"]}
    assert set(re.findall(r'<tr data-node="([^"]+)">', page)) == nodes
    for entry in entries:
        # Every node drawn, and the relationships stating the edges drawn; nothing else.
        assert set(entry["object_ids"]) == nodes | {corpus.ids["located"], corpus.ids["hostile_at"]}


def test_a_too_long_graph_focus_is_the_404_page_not_a_json_error(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser
) -> None:
    client = _client(taxii, make_user, "tur")
    missing = client.get("/graph", params={"focus": f"threat-actor--{uuid.uuid4()}"})
    long = client.get("/graph", params={"focus": "x" * 300})
    assert long.status_code == 404 and long.text == missing.text
    data = client.get("/graph/data.json", params={"focus": "x" * 300})
    assert data.status_code == 404 and data.json()["error"] == "not_found"


def test_graph_data_needs_a_session(client: TestClient) -> None:
    assert client.get("/graph/data.json").status_code == 401
    assert client.get("/graph", follow_redirects=False).status_code == 303


def test_graph_with_nothing_readable_says_so(taxii: Taxii, make_user: MakeUser) -> None:
    client = _client(taxii, make_user, "tur")
    html = client.get("/graph").text
    assert "Nothing shared with TUR at your clearance yet" in html and 'id="graph"' not in html
    assert client.get("/graph/data.json").json()["nodes"] == []


def test_graph_focused_on_a_relationship_shows_its_readable_ends(
    taxii: Taxii, corpus: Corpus, make_user: MakeUser
) -> None:
    client = _client(taxii, make_user, "tur")
    data = client.get("/graph/data.json", params={"focus": corpus.ids["to_sigint"]}).json()
    assert corpus.ids["coalition"] in {n["id"] for n in data["nodes"]}
    assert corpus.ids["sigint"] not in json.dumps(data)
    assert client.get("/graph", params={"focus": corpus.ids["located"]}).status_code == 200
