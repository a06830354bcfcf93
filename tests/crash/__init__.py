"""Crash safety: the server killed with SIGKILL during bulk writes (issue 8 item 2)."""
