"""Config sets, the way every project defines its configuration.

A project's configs/ defines a `Default` config set (a `Config` with a `name`) and variants that subclass it;
`load_spec` finds any of them by name, so a new variant needs no registration anywhere.
"""

from typing import ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class Config(BaseModel):
    """Frozen and strict: a typo in a field name is an error, not a silently ignored setting."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class MonitoringThresholds(Config):
    """What every project's monitoring shares: drift thresholds and the retrain cooldown."""

    min_joined_rows: int = Field(default=12, ge=1)
    drift_window_hours: int = Field(default=72, ge=2)
    drift_features: tuple[str, ...] = ()
    psi_bins: int = 10
    psi_warn: float = 0.1
    psi_alert: float = 0.25
    ks_alpha: float = 0.01  # a feature alerts when PSI >= psi_alert and the KS p-value < ks_alpha
    min_drifted_share: float = Field(default=1.0, gt=0, le=1)  # share of drift_features that must alert
    retrain_cooldown_hours: int = Field(default=24, ge=0)


class ExampleTimeline(Config):
    """The stretch of the project's shipped or replayed data the demo and the contract tests run on:
    data from `data_start`, a champion trained up to `train_end`, then predictions and monitoring to `end`."""

    data_start: str
    train_end: str
    end: str


class ConfigSet(Config):
    name: ClassVar[str] = "default"


Spec = TypeVar("Spec", bound=ConfigSet)


def config_sets(default: type[Spec]) -> dict[str, type[Spec]]:
    """`default` and every subclass of it that has been imported, by name."""
    found: dict[str, type[Spec]] = {}
    pending = [default]
    while pending:
        cls = pending.pop()
        if cls.name in found and found[cls.name] is not cls:
            raise ValueError(f"config name {cls.name!r} is used by {found[cls.name].__name__} and {cls.__name__}")
        found[cls.name] = cls
        pending.extend(cls.__subclasses__())
    return found


def load_spec(default: type[Spec], name: str = "default") -> Spec:
    available = config_sets(default)
    if name not in available:
        raise KeyError(f"no config named {name!r} in {default.__module__}; available: {', '.join(sorted(available))}")
    return available[name]()
