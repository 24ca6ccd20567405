from django.db import models


class BinaryCharField(models.CharField):
    """A CharField compared code point by code point on every database.

    SQLite compares with BINARY already; on PostgreSQL the column gets the "C" collation. Then
    "starts with P" is exactly the range [P, P+1) and any plain B-tree index serves it — the
    pinyin and name searches stay index scans at a million rows.
    """

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params


def prefix_range(field: str, prefix: str) -> dict[str, str]:
    """Filter kwargs for "``field`` starts with ``prefix``" on a BinaryCharField."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return {f"{field}__gte": prefix, f"{field}__lt": upper}
