"""Query parameters several routes share."""

from typing import Annotated

from fastapi import Query

Limit = Annotated[int, Query(ge=1, le=1000, description="at most this many items")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="skip this many items first")]
PartitionFilter = Annotated[
    str | None, Query(description="only this partition (or its registered model); all when left out")
]
