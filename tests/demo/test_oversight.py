"""The demo's oversight story: the coordinator gets the summary and the PDF over the demo data."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.demo import scenario
from intelcell.store.schema import oversight_contributions, oversight_plan_items
from tests.helpers import bearer

PERSONS = 200  # the full demo's 4,000 records add time, not story


@pytest.mark.slow
def test_the_coordinator_gets_the_summary_and_the_pdf_over_the_demo_data(cell: Cell, client: TestClient) -> None:
    scenario.load(cell, persons_count=PERSONS)
    # Idempotent: a second run stores nothing twice (and issues fresh tokens).
    issued = {i.user.name: i.token for i in scenario.load(cell, persons_count=PERSONS)}
    with cell.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(oversight_plan_items)).scalar_one() == 6
        assert conn.execute(select(func.count()).select_from(oversight_contributions)).scalar_one() == 140
    token = issued["nato.coordinator"]
    response = client.get("/api/v1/oversight/summary", params={"period": "2026"}, headers=bearer(token))
    assert response.status_code == 200, response.text
    body = response.json()
    titles = {p["title"] for p in body["plan"]}
    assert {"More AWACS flight time", "Training of Iraqi and Afghan forces", "Counter-terrorism coordinator"} <= titles
    totals = body["totals"]
    for code in ("awacs_flight_hours", "aar_sorties", "trainees_trained", "objects_shared", "rfis_answered"):
        assert totals[code] > 0, code
    assert totals["air_picture_hours"] > 0
    # A hit exists only for its holder: the coordinator's member (NATO) holds none, the members do.
    assert totals.get("screening_hits", 0) == 0
    own_hits = 0.0
    for name in ("usa.analyst", "fra.analyst", "deu.analyst", "tur.analyst", "irq.liaison", "jor.liaison"):
        mine = client.get("/api/v1/oversight/summary", params={"period": "2026"}, headers=bearer(issued[name])).json()
        own_hits += mine["totals"].get("screening_hits", 0)
    assert own_hits > 0
    assert any(not g["met"] for g in body["gaps"]) and any(g["met"] for g in body["gaps"])
    pdf = client.get("/api/v1/oversight/report.pdf", params={"period": "2026"}, headers=bearer(token))
    assert pdf.status_code == 200
    document = pdfium.PdfDocument(pdf.content)
    try:
        histogram = document[0].render(scale=0.5).to_pil().convert("L").histogram()
        assert sum(histogram[:240]) / sum(histogram) > 0.02
        assert body["label"] in document[0].get_textpage().get_text_range()
    finally:
        document.close()
    # A lower clearance sees lower counts of the same data.
    deu = client.get("/api/v1/oversight/summary", params={"period": "2026"}, headers=bearer(issued["deu.analyst"]))
    assert deu.json()["totals"]["rfis_answered"] < totals["rfis_answered"]
