"""A bounded load test on loopback (issue 8 item 5); the long variant is bench/load_test.py."""
