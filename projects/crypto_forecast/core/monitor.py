"""Task unit `monitor`: how the champion's forecasts fared, whether its inputs drifted, and what to do.

Decay compares live error with the champion's own test error and with naive on the same hours; drift
compares recent features with the champion's training window (service.drift). Either one alerts and asks
for a retrain, unless the cooldown holds it back (service.monitoring).
"""

from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import Engine, select

from db_handler import upsert
from messenger.links import airflow_run_url, mlflow_model_url
from messenger.messages import monitoring_alert
from messenger.model import Alert
from projects.crypto_forecast import PROJECT
from projects.crypto_forecast.configs import Default, MonitoringConfig
from projects.crypto_forecast.evaluator.metrics import forecast_metrics
from projects.crypto_forecast.utils.naming import registered_model_name
from projects.crypto_forecast.utils.queries import read_features, read_forecasts_with_actuals
from projects.crypto_forecast.utils.tables import monitoring
from service.drift import feature_drift
from service.monitoring import decide, retrain_verdict
from service.registry import CHAMPION, version_by_alias

REFERENCE_METRICS = ("mae", "rmse", "mape", "directional_accuracy")


def check(engine: Engine, market: str, end: datetime, spec: Default, run_id: str) -> dict:
    """Evaluate the windows ending at `end`, store one monitoring row, and say whether to retrain."""
    config = spec.monitoring
    name = registered_model_name(market)
    champion = version_by_alias(name, CHAMPION)
    performance_start = end - timedelta(hours=config.performance_window_hours)
    drift_start = end - timedelta(hours=config.drift_window_hours)
    metrics, missing, drift = {}, 0, {}
    if champion is not None:
        with engine.connect() as conn:
            joined = read_forecasts_with_actuals(
                conn, market, performance_start, end, spec.train.horizon_hours, str(champion.version)
            )
            drift = _drift(conn, market, champion, drift_start, end, config)
        metrics, missing = _performance(joined, champion)
    if "mae_vs_reference" in metrics.get("ratios", {}):  # the dashboard's decay plot reads this pair
        metrics["decay"] = {"ratio": metrics["ratios"]["mae_vs_reference"], "limit": config.decay_factor}
    rows = int(metrics.get("live", {}).get("rows", 0))
    decision, reasons = decide(decay_reasons(metrics, config), drift, rows, config, has_model=champion is not None)

    with engine.begin() as conn:
        previous = conn.execute(
            select(monitoring.c.decision)
            .where(monitoring.c.market == market, monitoring.c.window_end < end)
            .order_by(monitoring.c.window_end.desc())
            .limit(1)
        ).scalar_one_or_none()
        verdict = retrain_verdict(conn, PROJECT, name, end, decision, previous, reasons, run_id, config)
        row = {
            "market": market,
            "window_end": end,
            "performance_window_start": performance_start,
            "drift_window_start": drift_start,
            "model_name": name,
            "model_version": str(champion.version) if champion else None,
            "rows_joined": rows,
            "missing_candles": missing,
            "metrics": metrics,
            "drift": drift,
            "decision": decision,
            "reason": "; ".join(reasons),
            "retrain_requested": verdict.requested,
            "airflow_run_id": run_id,
            "created_at": datetime.now(UTC),
        }
        written = upsert(conn, monitoring, [row], key=("market", "window_end"), touch=("airflow_run_id", "created_at"))
    reasons += [verdict.note] if verdict.note else []
    return {**row, "reasons": reasons, "retrain": verdict.retrain, "alert": verdict.alert, "written": written.written}


def decay_reasons(metrics: dict, config: MonitoringConfig) -> list[str]:
    """Live error ABOVE its references by the configured factors (the original template had this inverted)."""
    ratios, reasons = metrics.get("ratios", {}), []
    if ratios.get("mae_vs_reference", 0) > config.decay_factor:
        reasons.append(
            f"live MAE is {ratios['mae_vs_reference']:.2f}x the champion's test MAE (limit {config.decay_factor}x)"
        )
    if ratios.get("mae_vs_naive", 0) > config.naive_factor:
        reasons.append(
            f"live MAE is {ratios['mae_vs_naive']:.2f}x naive's on the same hours (limit {config.naive_factor}x)"
        )
    return reasons


def _performance(joined, champion) -> tuple[dict, int]:
    realised = joined.dropna(subset=["actual_close"])
    missing = len(joined) - len(realised)
    if realised.empty:
        return {"live": {"rows": 0}}, missing
    base, actual = realised["base_close"].to_numpy(), realised["actual_close"].to_numpy()
    live = forecast_metrics(base, actual, realised["predicted_log_return"].to_numpy())
    naive = forecast_metrics(base, actual, np.zeros(len(realised)))
    reference = {
        metric: float(champion.tags[f"test_{metric}"])
        for metric in REFERENCE_METRICS
        if f"test_{metric}" in champion.tags
    }
    ratios = {"mae_vs_naive": live["mae"] / naive["mae"] if naive["mae"] else float("nan")}
    for metric in ("mae", "rmse", "mape"):
        if reference.get(metric):
            ratios[f"{metric}_vs_reference"] = live[metric] / reference[metric]
    return {"live": live, "naive": naive, "reference": reference, "ratios": ratios}, missing


def _drift(conn, market: str, champion, start: datetime, end: datetime, config: MonitoringConfig) -> dict:
    """Recent features against the champion's training window (kept as tags on its version)."""
    if "train_start" not in champion.tags or "validation_start" not in champion.tags:
        return {}
    columns = list(config.drift_features)
    reference = read_features(
        conn,
        market,
        datetime.fromisoformat(champion.tags["train_start"]),
        datetime.fromisoformat(champion.tags["validation_start"]),
        columns,
    )
    return feature_drift(reference, read_features(conn, market, start, end, columns), config)


def alert(result: dict, config: MonitoringConfig, dag_id: str | None, run_id: str) -> Alert:
    """The Slack message for a drift or decay decision: ratios against their limits, the most drifted features."""
    ratios = result["metrics"].get("ratios", {})
    return monitoring_alert(
        project=PROJECT,
        scope=result["market"],
        decision=result["decision"],
        reasons=result["reasons"],
        metrics={
            "MAE / champion test MAE": (ratios.get("mae_vs_reference", float("nan")), config.decay_factor),
            "MAE / naive MAE": (ratios.get("mae_vs_naive", float("nan")), config.naive_factor),
        },
        drift=result["drift"],
        airflow_run_url=airflow_run_url(dag_id, run_id) if dag_id else None,
        mlflow_model_url=mlflow_model_url(result["model_name"], result["model_version"]),
        run_id=run_id,
        retrain=result["retrain"],
    )
