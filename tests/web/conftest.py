"""Web tests use the TAXII test bed to store labelled objects."""

from tests.taxii.conftest import taxii

__all__ = ["taxii"]
