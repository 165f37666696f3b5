"""Checks every sample before anything is written; one bad value rejects the whole load."""

import pandas as pd

from projects.tumor_classifier.configs.features import MEASUREMENTS

REQUIRED = ["sample_id", "batch", "arrived_at", *MEASUREMENTS, "label"]
MAX_LISTED = 10


class SampleValidationError(ValueError):
    """Samples that must not be stored; the message names batch, sample and column of each problem."""

    def __init__(self, problems: list[str]) -> None:
        shown = "\n  ".join(problems[:MAX_LISTED])
        more = f"\n  ... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
        super().__init__(f"{len(problems)} invalid sample value(s); nothing was written:\n  {shown}{more}")
        self.problems = problems


def validate_samples(samples: pd.DataFrame) -> pd.DataFrame:
    missing = [name for name in REQUIRED if name not in samples.columns]
    unknown = [name for name in samples.columns if name not in REQUIRED]
    if missing or unknown:
        raise SampleValidationError([f"missing columns {missing}, unknown columns {unknown}"])
    problems: list[str] = []

    def flag(mask: pd.Series, column: str, what: str) -> None:
        problems.extend(
            f"batch {row.batch} sample {row.sample_id} column {column!r}: {what}"
            for row in samples.loc[mask].itertuples()
        )

    for column in MEASUREMENTS:
        flag(samples[column].isna(), column, "missing (NaN)")
        flag(samples[column] < 0, column, "negative measurement")
    flag(~samples["label"].isin([0, 1]), "label", "not 0 (benign) or 1 (malignant)")
    unique = samples.drop_duplicates()
    clashing = unique.loc[unique["sample_id"].duplicated(), ["batch", "sample_id"]]
    problems += [
        f"batch {row.batch} sample {row.sample_id} column 'sample_id': appears twice with different values"
        for row in clashing.itertuples()
    ]
    if problems:
        raise SampleValidationError(problems)
    return unique.sort_values("sample_id").reset_index(drop=True)
