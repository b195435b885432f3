"""Database pieces the figures share: whole days between two dates, and percentiles.

Percentiles are the nearest-rank kind (the smallest value at or above p% of the
ordered values), computed by one aggregate query over window functions. That runs
the same on SQLite, which has no percentile function, and on PostgreSQL, so both
databases give the same answer.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import F, Func, IntegerField, QuerySet


class DaysBetween(Func):
    """Whole days from `start` to `end`, both dates (or datetimes, taken as their date)."""

    output_field = IntegerField()

    def __init__(self, end: Any, start: Any) -> None:
        end_expr = F(end) if isinstance(end, str) else end
        start_expr = F(start) if isinstance(start, str) else start
        super().__init__(end_expr, start_expr)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        # One spelling per database: SQLite has no date subtraction, PostgreSQL gives days.
        end_sql, end_params = compiler.compile(self.source_expressions[0])
        start_sql, start_params = compiler.compile(self.source_expressions[1])
        if connection.vendor == "sqlite":
            sql = (
                f"CAST(ROUND(julianday(DATE({end_sql})) - julianday(DATE({start_sql}))) AS INTEGER)"
            )
        else:
            sql = f"(CAST({end_sql} AS DATE) - CAST({start_sql} AS DATE))"
        return sql, (*end_params, *start_params)


def percentiles(
    queryset: QuerySet[Any], value: str, points: tuple[int, ...] = (50, 90)
) -> dict[str, Any]:
    """How many rows have `value`, and its nearest-rank percentiles at `points`, in one query.

    Returns {"n": count, "p50": ..., "p90": ...}; percentiles are None when n is 0.
    """
    inner = queryset.filter(**{f"{value}__isnull": False}).order_by().values(value)
    sql, params = inner.query.sql_with_params()
    picks = ", ".join(f"MIN(CASE WHEN rn * 100 >= {int(p)} * n THEN v END)" for p in points)
    column = connection.ops.quote_name(value)
    # The inner SQL is Django's own, with its parameters; the rest is fixed text.
    query = (
        f"SELECT MAX(n), {picks} FROM ("  # noqa: S608
        "SELECT v, ROW_NUMBER() OVER (ORDER BY v) AS rn, COUNT(*) OVER () AS n FROM ("
        f"SELECT {column} AS v FROM ({sql}) AS inner_rows) AS chosen) AS ranked"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        row = cursor.fetchone()
    result: dict[str, Any] = {"n": int(row[0] or 0)}
    for p, found in zip(points, row[1:], strict=True):
        result[f"p{p}"] = found
    return result
