"""API tests use the TAXII test bed (collections, users, client) and the air-picture scene."""

from tests.airpicture.conftest import flown, scene
from tests.taxii.conftest import taxii

__all__ = ["flown", "scene", "taxii"]
