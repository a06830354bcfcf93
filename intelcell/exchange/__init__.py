"""Intelligence exchange: labelled STIX 2.1 objects (TAXII 2.1 service: issue 3)."""
