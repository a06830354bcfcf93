"""Exchange tests use the TAXII test bed (collections, users, client)."""

from tests.taxii.conftest import taxii

__all__ = ["taxii"]
