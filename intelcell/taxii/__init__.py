"""The TAXII 2.1 server (OASIS TAXII Version 2.1), mounted at ``/taxii2/``."""
