"""The ``intelcell`` command line."""
