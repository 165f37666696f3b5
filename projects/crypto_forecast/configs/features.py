from pydantic import Field, model_validator

from compose.specs import Config


class FeatureConfig(Config):
    """Causal features of each candle; the windows count hours on the regular grid (gaps included)."""

    version: str = "v1"
    return_horizons: tuple[int, ...] = (1, 3, 6, 12, 24)
    volatility_windows: tuple[int, ...] = (24, 168)
    volume_window: int = Field(default=168, ge=2)

    @model_validator(mode="after")
    def _positive_windows(self) -> "FeatureConfig":
        if min(self.return_horizons + self.volatility_windows) < 1:
            raise ValueError("return horizons and volatility windows must be >= 1 hour")
        return self

    @property
    def longest_window(self) -> int:
        return max(self.return_horizons + self.volatility_windows + (self.volume_window,))

    @property
    def columns(self) -> list[str]:
        """Feature column names, in table order."""
        return (
            [f"ret_{h}h" for h in self.return_horizons]
            + [f"vol_{w}h" for w in self.volatility_windows]
            + [f"volume_z_{self.volume_window}h", "range_1h", "hour_sin", "hour_cos", "dow_sin", "dow_cos"]
        )
