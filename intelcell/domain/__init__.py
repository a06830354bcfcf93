"""The domain core: labels, registry, access policy, dominance, portions and audit-chain arithmetic.

Nothing here does I/O: no database, network, clock or environment (checked by
tests/domain/test_purity.py).
"""
