"""Checks of loaded rows before anything is written: every problem named by where it is (row, time, column), all
of them reported at once, nothing written while one remains."""

from collections.abc import Callable

import numpy as np
import pandas as pd

from lifecycle.contract import DataError


class Problems:
    """Collects problems of `rows`; `where` names a row, as a format string of its columns ("batch {batch} sample
    {sample_id}") or a function of it."""

    def __init__(self, rows: pd.DataFrame, where: str | Callable[[tuple], str], error: type[DataError] = DataError):
        self.rows, self.error, self.found = rows, error, []
        self.where = where if callable(where) else lambda row: where.format(**row._asdict())

    def flag(self, mask, column: str, what: str | Callable[[tuple], str], rows: pd.DataFrame | None = None) -> None:
        """Every row where `mask` holds has a problem in `column`: `what` (or `what(row)`)."""
        rows = self.rows if rows is None else rows
        for row in rows.loc[np.asarray(mask, dtype=bool)].itertuples(index=False):
            self.found.append(f"{self.where(row)} column {column!r}: {what(row) if callable(what) else what}")

    def flag_not_finite(self, columns: list[str]) -> None:
        for column in columns:
            self.flag(~np.isfinite(self.rows[column].to_numpy(dtype=float)), column, "missing or not a finite number")

    def raise_any(self, what: str) -> None:
        """DataError listing the problems (how many, then the first ten), if there is any."""
        if self.found:
            raise self.error.listing(self.found, what)
