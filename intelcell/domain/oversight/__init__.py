"""Coordinator oversight (issue 6): periods, the action plan, contribution kinds, targets and aggregates."""
