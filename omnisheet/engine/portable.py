"""Small pieces of Ibis expressions that every engine must compute alike, where Ibis's
own compiles differently on one of them."""

from __future__ import annotations

from typing import Any

_TRIM: list[Any] = []


def trimmed(text: Any) -> Any:
    """`text` without the spaces around it: SQL's own trim(), which DuckDB, Spark,
    Postgres and the warehouses read alike (spaces only, as omnisheet's DuckDB SQL over
    files trims). Ibis's strip() becomes, on Spark, TRIM(' \\t\\n\\r\\v\\f' FROM …), whose
    '\\v' and '\\f' Spark reads as the letters v and f: 'view_item' lost its v there; a
    regular expression instead cost the events' scan three times its time on DuckDB."""
    if not _TRIM:
        import ibis
        import ibis.expr.datatypes as dt

        @ibis.udf.scalar.builtin(name="trim", signature=((dt.string,), dt.string))
        def trim(text: Any) -> Any:
            """SQL's trim(text)."""

        _TRIM.append(trim)
    return _TRIM[0](text)
