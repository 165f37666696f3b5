from pydantic import Field

from compose.specs import Config


class DataConfig(Config):
    """The replay: samples shuffled once, cut into batches, one batch arriving every `batch_every_hours`.

    Drift, by design: from batch `drift_from_batch` on, the size measurements in `drifted_columns` read
    `drift_scale` times larger, as if the imaging device had been recalibrated. Labels stay true, so a model
    trained before the change sees bigger masses than it learned and starts calling benign ones malignant.
    """

    first_batch_at: str = "2024-01-01T00:00:00+00:00"
    batch_every_hours: int = Field(default=24, ge=1)
    batch_size: int = Field(default=30, ge=5)
    shuffle_seed: int = 7
    drift_from_batch: int | None = 12  # arrives 2024-01-13 with the defaults; None: no drift
    drift_scale: float = Field(default=1.3, gt=0)
    drifted_columns: tuple[str, ...] = (
        "mean_radius",
        "mean_perimeter",
        "mean_area",
        "worst_radius",
        "worst_perimeter",
        "worst_area",
    )
