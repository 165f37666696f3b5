"""Task unit `monitor`: how the champion's forecasts fared, whether its inputs drifted, and what to do.

Decay compares live error with the champion's own test error and with naive on the same hours; drift
compares recent features with the champion's training window. Either one alerts and asks for a retrain,
unless a retrain ran or was requested within the cooldown.
"""

from datetime import datetime, timedelta, timezone

import numpy as np
from sqlalchemy import Engine, exists, select

from db_handler import upsert
from db_handler.tables import workflow_runs
from messenger.links import airflow_run_url, mlflow_model_url
from messenger.messages import monitoring_alert
from messenger.model import Alert
from projects.crypto_forecast import PROJECT
from projects.crypto_forecast.configs import Default, MonitoringConfig
from projects.crypto_forecast.evaluator.drift import ks_pvalue, psi
from projects.crypto_forecast.evaluator.metrics import forecast_metrics
from projects.crypto_forecast.utils.queries import read_features, read_forecasts_with_actuals
from projects.crypto_forecast.utils.tables import monitoring
from projects.crypto_forecast.utils.tracking import registered_model_name
from service.registry import CHAMPION, version_by_alias


REFERENCE_METRICS = ("mae", "rmse", "mape", "directional_accuracy")
ALERTING = ("drift", "decay", "drift+decay")


def check(engine: Engine, market: str, end: datetime, spec: Default, run_id: str) -> dict:
    """Evaluate the windows ending at `end`, store one monitoring row, and say whether to retrain."""
    config = spec.monitoring
    name = registered_model_name(market)
    champion = version_by_alias(name, CHAMPION)
    performance_start = end - timedelta(hours=config.performance_window_hours)
    drift_start = end - timedelta(hours=config.drift_window_hours)
    with engine.connect() as conn:
        joined = (
            read_forecasts_with_actuals(conn, market, performance_start, end, spec.train.horizon_hours,
                                        str(champion.version))  # fmt: skip
            if champion else None
        )
        drift = _drift(conn, market, champion, drift_start, end, spec) if champion else {}
    metrics, missing = _performance(joined, champion, config) if champion else ({}, 0)
    decision, reasons = decide(metrics, drift, config, has_model=champion is not None)

    wants_retrain = decision in ALERTING
    with engine.begin() as conn:
        requested_before = conn.execute(
            select(monitoring.c.retrain_requested).where(monitoring.c.market == market, monitoring.c.window_end == end)
        ).scalar_one_or_none()
        previous_decision = conn.execute(
            select(monitoring.c.decision).where(monitoring.c.market == market, monitoring.c.window_end < end)
            .order_by(monitoring.c.window_end.desc()).limit(1)
        ).scalar_one_or_none()
        retrain = wants_retrain and _cooldown_over(conn, market, end, config)
        row = {
            "market": market, "window_end": end, "performance_window_start": performance_start,
            "drift_window_start": drift_start, "model_name": name,
            "model_version": str(champion.version) if champion else None,
            "rows_joined": int(metrics.get("live", {}).get("rows", 0)), "missing_candles": missing,
            "metrics": metrics, "drift": drift, "decision": decision, "reason": "; ".join(reasons),
            "retrain_requested": bool(retrain or requested_before), "airflow_run_id": run_id,
            "created_at": datetime.now(timezone.utc),
        }  # fmt: skip
        written = upsert(conn, monitoring, [row], key=("market", "window_end"), touch=("airflow_run_id", "created_at"))
    if wants_retrain and not retrain:
        reasons.append(f"no retrain: one is running, or ran or was requested within {config.retrain_cooldown_hours} h")
    # Slack hears of a retrain, or of the step into trouble; not again every hour while trouble lasts
    tell = wants_retrain and (retrain or previous_decision not in ALERTING)
    return {**row, "reasons": reasons, "retrain": retrain, "alert": tell, "written": written.written}


def decide(metrics: dict, drift: dict, config: MonitoringConfig, has_model: bool = True) -> tuple[str, list[str]]:
    """(decision, reasons) from the performance metrics and per-feature drift statistics."""
    if not has_model:
        return "no_model", ["no champion to monitor"]
    reasons = []
    ratios = metrics.get("ratios", {})
    enough_rows = metrics.get("live", {}).get("rows", 0) >= config.min_joined_rows
    decayed = False
    if enough_rows:
        if ratios.get("mae_vs_reference", 0) > config.decay_factor:
            decayed = True
            reasons.append(f"live MAE is {ratios['mae_vs_reference']:.2f}x the champion's test MAE "
                           f"(limit {config.decay_factor}x)")  # fmt: skip
        if ratios.get("mae_vs_naive", 0) > config.naive_factor:
            decayed = True
            reasons.append(f"live MAE is {ratios['mae_vs_naive']:.2f}x naive's on the same hours "
                           f"(limit {config.naive_factor}x)")  # fmt: skip
    alerting = [feature for feature, stats in drift.items() if stats["level"] == "alert"]
    drifted = bool(drift) and len(alerting) >= config.min_drifted_share * len(drift)
    if drifted:
        reasons.append("drift in " + ", ".join(f"{f} (PSI {drift[f]['psi']:.2f})" for f in alerting))
    if decayed or drifted:
        return "+".join(name for name, flag in (("drift", drifted), ("decay", decayed)) if flag), reasons
    warned = [feature for feature, stats in drift.items() if stats["level"] == "warn"]
    if warned:
        return "warn", [f"PSI above {config.psi_warn} in " + ", ".join(warned)]
    if not enough_rows:
        return "insufficient_data", [f"{metrics.get('live', {}).get('rows', 0)} forecasts with realised candles "
                                     f"(need {config.min_joined_rows})"]  # fmt: skip
    return "ok", ["within limits"]


def _performance(joined, champion, config: MonitoringConfig) -> tuple[dict, int]:
    realised = joined.dropna(subset=["actual_close"])
    missing = len(joined) - len(realised)
    if realised.empty:
        return {"live": {"rows": 0}}, missing
    base, actual = realised["base_close"].to_numpy(), realised["actual_close"].to_numpy()
    live = forecast_metrics(base, actual, realised["predicted_log_return"].to_numpy())
    naive = forecast_metrics(base, actual, np.zeros(len(realised)))
    reference = {metric: float(champion.tags[f"test_{metric}"]) for metric in REFERENCE_METRICS
                 if f"test_{metric}" in champion.tags}  # fmt: skip
    ratios = {"mae_vs_naive": live["mae"] / naive["mae"] if naive["mae"] else float("nan")}
    for metric in ("mae", "rmse", "mape"):
        if reference.get(metric):
            ratios[f"{metric}_vs_reference"] = live[metric] / reference[metric]
    return {"live": live, "naive": naive, "reference": reference, "ratios": ratios}, missing


def _drift(conn, market: str, champion, start: datetime, end: datetime, spec: Default) -> dict:
    config = spec.monitoring
    reference_start = champion.tags.get("train_start")
    reference_end = champion.tags.get("validation_start")
    if not reference_start or not reference_end:
        return {}
    columns = list(config.drift_features)
    reference = read_features(conn, market, datetime.fromisoformat(reference_start),
                              datetime.fromisoformat(reference_end), columns)  # fmt: skip
    recent = read_features(conn, market, start, end, columns)
    statistics = {}
    for feature in columns:
        index = psi(reference[feature].to_numpy(), recent[feature].to_numpy(), config.psi_bins)
        p_value = ks_pvalue(reference[feature].to_numpy(), recent[feature].to_numpy())
        level = "alert" if index >= config.psi_alert and p_value < config.ks_alpha else (
            "warn" if index >= config.psi_warn else "ok")  # fmt: skip
        statistics[feature] = {"psi": index, "ks_pvalue": p_value, "level": level}
    return statistics


def _cooldown_over(conn, market: str, end: datetime, config: MonitoringConfig) -> bool:
    """False while a retrain is running, or when one ran (its data window ends) or was requested within the
    cooldown before `end`, or later. Measured in data time, so a replay of old candles behaves like live."""
    since = end - timedelta(hours=config.retrain_cooldown_hours)
    requested = exists().where(monitoring.c.market == market, monitoring.c.retrain_requested,
                               monitoring.c.window_end >= since)  # fmt: skip
    training = exists().where(
        workflow_runs.c.project == PROJECT,
        workflow_runs.c.stage.in_(["train.prepare", "train"]),
        (workflow_runs.c.status == "running") | (workflow_runs.c.interval_end >= since),
    )
    return not conn.execute(select(requested | training)).scalar_one()


def alert(result: dict, config: MonitoringConfig, dag_id: str | None, run_id: str) -> Alert:
    """The Slack message for a drift or decay decision: ratios against their limits, the most drifted features."""
    ratios = result["metrics"].get("ratios", {})
    metrics = {
        "MAE / champion test MAE": (ratios.get("mae_vs_reference", float("nan")), config.decay_factor),
        "MAE / naive MAE": (ratios.get("mae_vs_naive", float("nan")), config.naive_factor),
    }
    drifted = sorted(
        ((feature, stats["psi"], stats["ks_pvalue"]) for feature, stats in result["drift"].items()),
        key=lambda item: -item[1],
    )[:3]
    return monitoring_alert(
        project=PROJECT, market=result["market"], decision=result["decision"], reasons=result["reasons"],
        metrics=metrics, drifted_features=drifted,
        airflow_run_url=airflow_run_url(dag_id, run_id) if dag_id else None,
        mlflow_model_url=mlflow_model_url(result["model_name"], result["model_version"]), run_id=run_id,
        retrain=result["retrain"],
    )  # fmt: skip
