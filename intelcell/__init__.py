"""intelcell: the software of a coalition terrorism intelligence cell."""

__version__ = "0.1.0"
