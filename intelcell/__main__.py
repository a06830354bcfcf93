"""``python -m intelcell``."""

from intelcell.cli.main import main

if __name__ == "__main__":  # worker processes re-import this module: never run the CLI there
    main()
