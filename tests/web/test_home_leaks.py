"""The home page lists exactly the intelligence the signed-in user may read, nothing else."""

from __future__ import annotations

from tests.taxii.conftest import Taxii, sdo
from tests.web.test_pages import sign_in

LABELLED = {
    "shared with the coalition": "NATO SECRET // REL TO COALITION",
    "for the allies": "NATO SECRET",
    "french national": "FRA CONFIDENTIAL // REL TO BEL, DEU",
    "sigint only": "NATO SECRET // SIGINT",
    "cosmic": "NATO COSMIC TOP SECRET",
}


def test_home_page_shows_only_what_the_user_may_read(taxii: Taxii, make_user) -> None:  # type: ignore[no-untyped-def]
    taxii.add([taxii.labelled(sdo(name=name), label) for name, label in LABELLED.items()], define=True)
    _u, token = make_user("TUR", "NATO SECRET", name="tur.web")
    page = sign_in(taxii.client, token)
    html = taxii.client.get("/").text if page.status_code == 303 else page.text
    shown = {name for name in LABELLED if name in html}
    assert shown == {"shared with the coalition", "for the allies"}
    assert "FRA CONFIDENTIAL" not in html and "SIGINT" not in html and "COSMIC" not in html
