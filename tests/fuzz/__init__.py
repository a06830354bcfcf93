"""Hostile input: the OpenAPI surface and the parsers, fuzzed (issue 8 item 3)."""
