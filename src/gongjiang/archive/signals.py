"""Signals other apps answer when the archive changes who a record is."""

from django.dispatch import Signal

# Sent inside merge_records' transaction, before ``other`` is archived: each app moves its own
# references from ``other`` to ``keep`` (or raises DomainError to refuse the merge).
records_merged = Signal()  # kwargs: actor, keep, other
