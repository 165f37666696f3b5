"""One page of a query's rows and how many rows it has in all."""

from sqlalchemy import Connection, Select, func, select


def fetch_page(conn: Connection, query: Select, limit: int, offset: int) -> tuple[list[dict], int]:
    """The rows of `query` (already ordered) from `offset`, at most `limit`, as dicts; and the total count."""
    total = conn.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    rows = conn.execute(query.limit(limit).offset(offset)).mappings().all()
    return [dict(row) for row in rows], total
