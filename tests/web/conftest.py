"""Web tests use the TAXII test bed to store labelled objects, and clients signed in as one user each."""

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from intelcell.api.app import create_app
from intelcell.cell import Cell
from tests.taxii.conftest import taxii
from tests.web.test_pages import sign_in

__all__ = ["taxii"]

SignedIn = Callable[[str], TestClient]


@pytest.fixture
def signed_in_as(cell: Cell) -> Iterator[SignedIn]:
    """Builder: a client of its own signed in with ``token`` (one per user, as separate browsers)."""
    with ExitStack() as stack:

        def open_as(token: str) -> TestClient:
            client = stack.enter_context(TestClient(create_app(cell=cell), base_url="https://testserver"))
            assert sign_in(client, token).status_code == 303
            return client

        yield open_as
