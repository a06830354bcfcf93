"""``python -m intelcell``."""

from intelcell.cli.main import main

main()
