"""What a monitoring run concludes from decay and drift, and when Slack hears of it."""

import math

from compose.config import MonitoringConfig

ALERTING = ("drift", "decay", "drift+decay")


def decay_reasons(ratio: float | None, metric: str, config: MonitoringConfig) -> list[str]:
    """Decay: the champion's live `metric` worse than the baseline's on the same rows by the configured factor.

    `ratio` is champion / baseline oriented so that above 1 means worse than the baseline (scale-free: price level
    and volatility move both alike)."""
    if ratio is None or not math.isfinite(ratio) or ratio <= config.decay_vs_baseline:
        return []
    return [f"live {metric} is {ratio:.2f}x the baseline's on the same rows (limit {config.decay_vs_baseline}x)"]


def decide(
    decay: list[str],
    drift: dict[str, dict],
    rows: int,
    config: MonitoringConfig,
    has_model: bool = True,
    acknowledged: str | None = None,
) -> tuple[str, list[str]]:
    """(decision, reasons): drift, decay, drift+decay, warn, insufficient_data, ok, or no_model.

    Drift needs `min_drifted_share` of the monitored features to alert at once; a warning needs that share to
    warn, or one feature to alert. Decay only counts with at least `min_joined_rows` realised rows.

    `acknowledged` says why the served model has seen the drift episode under way (lifecycle.stages.monitor), or is
    None; it turns drift without decay into a warning: the loop has acted on it, and decay still alerts."""
    if not has_model:
        return "no_model", ["no champion to monitor"]
    enough_rows = rows >= config.min_joined_rows
    decayed = enough_rows and bool(decay)
    reasons = list(decay) if decayed else []
    measured = _measured(drift)
    alerting = [feature for feature, stats in measured.items() if stats["level"] == "alert"]
    psi = _by_psi(measured)
    warned = [feature for feature, stats in psi.items() if stats["level"] in ("warn", "alert")]
    needed = config.min_drifted_share * len(psi)
    shifted = drifted(drift, config)
    if shifted:
        reasons.append("drift in " + ", ".join(_described(feature, drift[feature]) for feature in alerting))
    if shifted and acknowledged and not decayed:
        return "warn", [f"{reasons[-1]}, acknowledged: {acknowledged}"]
    if decayed or shifted:
        return "+".join(name for name, flag in (("drift", shifted), ("decay", decayed)) if flag), reasons
    if (psi and len(warned) >= needed) or alerting:
        return "warn", ["PSI above its warning level in " + ", ".join(_described(f, drift[f]) for f in warned)]
    if not enough_rows or not measured:
        return "insufficient_data", [
            f"{rows} forecasts with known outcomes (need {config.min_joined_rows})"
            if not enough_rows
            else "too few feature rows to measure drift"
        ]
    return "ok", ["within limits"]


def drifted(drift: dict[str, dict], config: MonitoringConfig) -> bool:
    """At least `min_drifted_share` of the features measured by PSI alert, or a level check alerts."""
    measured = _measured(drift)
    psi = _by_psi(measured)
    alerting = sum(stats["level"] == "alert" for stats in psi.values())
    risen = any(stats["level"] == "alert" for feature, stats in measured.items() if feature not in psi)
    return risen or (bool(psi) and alerting >= config.min_drifted_share * len(psi))


def _measured(drift: dict[str, dict]) -> dict[str, dict]:
    return {feature: stats for feature, stats in drift.items() if stats["level"] != "insufficient_data"}


def _by_psi(measured: dict[str, dict]) -> dict[str, dict]:
    """The entries of the PSI check (the others are level checks, service.monitoring.level)."""
    return {feature: stats for feature, stats in measured.items() if "psi" in stats}


def _described(feature: str, stats: dict) -> str:
    if "shift" in stats:
        return f"{feature} (mean log up {stats['shift']:.2f} on the weeks before > {stats['alert_at']:.2f})"
    return f"{feature} (PSI {stats['psi']:.2f} > {stats['alert_at' if stats['level'] == 'alert' else 'warn_at']:.2f})"
