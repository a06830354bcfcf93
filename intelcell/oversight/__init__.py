"""Coordinator oversight (issue 6): action plan, contributions ledger, computed figures, summary and report."""
