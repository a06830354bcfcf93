"""The summary's figures against hand counts, per viewer; CSV and PDF exports of the same summary."""

from __future__ import annotations

import csv
import io

import pypdfium2 as pdfium
from fastapi.testclient import TestClient

from intelcell.domain.oversight.contribution import KINDS
from tests.helpers import bearer
from tests.oversight.conftest import World


def summary(client: TestClient, token: str, period: str = "2026") -> dict:  # type: ignore[type-arg]
    response = client.get("/api/v1/oversight/summary", params={"period": period}, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


def computed(body: dict, member: str) -> dict:  # type: ignore[type-arg]
    return next((m["computed"] for m in body["members"] if m["member"] == member), {})


def test_computed_figures_match_hand_counts_for_the_coordinator(client: TestClient, world: World) -> None:
    body = summary(client, world.coordinator[1])
    usa, fra, irq = computed(body, "USA"), computed(body, "FRA"), computed(body, "IRQ")
    # Objects a, b, c (a's two versions once; d was added in 2025), by level 2 CONFIDENTIAL + 1 SECRET.
    assert usa["objects_shared"] == 3
    assert next(m for m in body["members"] if m["member"] == "USA")["objects_by_level"] == {
        "CONFIDENTIAL": 2,
        "SECRET": 1,
    }
    assert fra["objects_shared"] == 1
    # USA first answered rfi-1 after 6 h and rfi-2 after 10 h; FRA answered rfi-1 after 24 h.
    assert (usa["rfis_answered"], usa["rfi_median_response_hours"]) == (2, 8)
    assert (fra["rfis_answered"], fra["rfi_median_response_hours"]) == (1, 24)
    assert body["totals"]["rfis_answered"] == 3
    assert body["totals"]["rfi_median_response_hours"] == 10  # median of the pooled 6, 10, 24
    # IRQ-1, IRQ-2 (first submitted in January), IRQ-3; IRQ-4 came in 2025.
    assert irq["ftf_records"] == 3
    # A hit exists only for its holder: the coordinator sees no IRQ hits; IRQ sees its two.
    assert "screening_hits" not in irq
    assert computed(summary(client, world.irq[1]), "IRQ")["screening_hits"] == 2
    assert usa["air_picture_hours"] == 3
    assert body["label"] == "NATO SECRET // REL TO COALITION"


def test_a_lower_clearance_gets_lower_counts_and_nothing_of_the_rest(client: TestClient, world: World) -> None:
    high, low = summary(client, world.coordinator[1]), summary(client, world.deu[1])
    usa, fra, irq = computed(low, "USA"), computed(low, "FRA"), computed(low, "IRQ")
    assert usa["objects_shared"] == 2
    assert next(m for m in low["members"] if m["member"] == "USA")["objects_by_level"] == {"CONFIDENTIAL": 2}
    assert (usa["rfis_answered"], usa["rfi_median_response_hours"]) == (1, 6)
    assert fra["rfis_answered"] == 1
    assert irq["ftf_records"] == 2 and "screening_hits" not in irq
    assert "air_picture_hours" not in usa  # the sensor's provenance is SECRET
    assert low["label"] == "NATO CONFIDENTIAL // REL TO COALITION"
    # No figure anywhere is higher than the coordinator's: counts only drop, and no total of all exists.
    for code, value in low["totals"].items():
        if KINDS[code].combine == "sum":
            assert value <= high["totals"][code]
    text = str(low)
    assert "SECRET" not in text


def test_the_months_add_up_to_the_period(client: TestClient, world: World) -> None:
    body = summary(client, world.coordinator[1])
    assert [m["period"] for m in body["months"]][:2] == ["2026-01", "2026-02"]
    for code in ("objects_shared", "rfis_answered", "ftf_records", "screening_hits", "air_picture_hours"):
        assert sum(m["totals"][code] for m in body["months"]) == body["totals"][code]


def test_csv_matches_the_summary(client: TestClient, world: World) -> None:
    token = world.coordinator[1]
    entry = {"member": "USA", "kind": "aar_fuel_offloaded_t", "period": "2026-03", "value": 1234567.25}
    entry |= {"source": "AFCENT tanker summary", "label": "NATO RESTRICTED // REL TO COALITION"}
    assert client.post("/api/v1/oversight/contributions", json=entry, headers=bearer(token)).status_code == 201
    body = summary(client, token)
    response = client.get("/api/v1/oversight/summary.csv", params={"period": "2026"}, headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["x-intelcell-label"] == body["label"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows
    expected = {
        (m["member"], code, source): value
        for m in body["members"]
        for source in ("manual", "computed")
        for code, value in m[source].items()
    }
    assert {(r["member"], r["measure"], r["source"]): float(r["value"]) for r in rows} == expected
    assert {r["label"] for r in rows} == {body["label"]}
    assert any(r["value"] == "1234567.25" for r in rows)  # figures are exact, not rounded to 6 digits


def test_the_pdf_report_renders_a_first_page_that_is_not_blank(client: TestClient, world: World) -> None:
    response = client.get(
        "/api/v1/oversight/report.pdf", params={"period": "2026"}, headers=bearer(world.coordinator[1])
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-intelcell-label"] == "NATO SECRET // REL TO COALITION"
    pdf = pdfium.PdfDocument(response.content)
    try:
        assert len(pdf) == 3
        histogram = pdf[0].render(scale=0.5).to_pil().convert("L").histogram()
        ink = sum(histogram[:240]) / sum(histogram)
        assert ink > 0.02, f"only {ink:.1%} of page 1 is not white"
        # The banner's label is on every page.
        for page in pdf:
            assert "NATO SECRET // REL TO COALITION" in page.get_textpage().get_text_range()
    finally:
        pdf.close()


def test_a_bad_period_is_refused_with_the_reason(client: TestClient, world: World) -> None:
    token = world.coordinator[1]
    # Year 9999 (no day after its end), full-width digits, a span longer than ten years, before 1970.
    for bad in ("2026-13", "2026-09-30/2026-07-01", "last year", "9999", "２０２６", "0001-01-01/2026-12-31", "1969"):
        response = client.get("/api/v1/oversight/summary", params={"period": bad}, headers=bearer(token))
        assert response.status_code == 422
        assert response.json()["error"] == "invalid_request"
    assert (
        "before it starts"
        in client.get(
            "/api/v1/oversight/summary", params={"period": "2026-09-30/2026-07-01"}, headers=bearer(token)
        ).json()["reason"]
    )


def test_the_summary_needs_a_token(client: TestClient) -> None:
    assert client.get("/api/v1/oversight/summary", params={"period": "2026"}).status_code == 401
