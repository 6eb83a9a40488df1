"""The read model: results, compiled flags, flag sets, snapshots and request views.

No I/O and no locks: everything here is immutable once built.
"""
