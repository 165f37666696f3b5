"""Task unit `monitor`: the champion's verdicts against the labels that arrived, and drift of the recent
samples against the champion's training batches; the platform decides, cools down and alerts."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select

from db_handler import upsert
from messenger.links import airflow_run_url, mlflow_model_url
from messenger.messages import monitoring_alert
from messenger.model import Alert
from projects.tumor_classifier import PROJECT
from projects.tumor_classifier.configs import Default, MonitoringConfig
from projects.tumor_classifier.evaluator.metrics import classification_metrics
from projects.tumor_classifier.utils.naming import SCOPE, registered_model_name
from projects.tumor_classifier.utils.queries import read_features, read_predictions_with_labels
from projects.tumor_classifier.utils.tables import monitoring
from service.drift import feature_drift
from service.monitoring import decide, retrain_verdict
from service.registry import CHAMPION, version_by_alias


def check(engine: Engine, end: datetime, spec: Default, run_id: str) -> dict:
    config = spec.monitoring
    name = registered_model_name()
    champion = version_by_alias(name, CHAMPION)
    window_start = end - timedelta(hours=config.performance_window_hours)
    metrics, drift = {}, {}
    if champion is not None:
        with engine.connect() as conn:
            joined = read_predictions_with_labels(conn, window_start, end, str(champion.version))
            drift = _drift(conn, champion, end - timedelta(hours=config.drift_window_hours), end, config)
        live = classification_metrics(
            joined["label"].to_numpy(), joined["probability_malignant"].to_numpy(), spec.train.threshold
        )
        reference = {
            key.removeprefix("test_"): float(value)
            for key, value in champion.tags.items()
            if key in ("test_accuracy", "test_f1", "test_brier", "test_ece")
        }
        metrics = {"live": live, "reference": reference}
        if "accuracy" in reference and live.get("rows") and reference["accuracy"] < 1:  # for the dashboard
            ratio = (1 - live["accuracy"]) / (1 - reference["accuracy"])
            metrics["decay"] = {"ratio": ratio, "limit": config.decay_factor}
    rows = int(metrics.get("live", {}).get("rows", 0))
    decision, reasons = decide(decay_reasons(metrics, config), drift, rows, config, has_model=champion is not None)

    with engine.begin() as conn:
        previous = conn.execute(
            select(monitoring.c.decision)
            .where(monitoring.c.window_end < end)
            .order_by(monitoring.c.window_end.desc())
            .limit(1)
        ).scalar_one_or_none()
        verdict = retrain_verdict(conn, PROJECT, name, end, decision, previous, reasons, run_id, config)
        row = {
            "window_end": end,
            "window_start": window_start,
            "model_name": name,
            "model_version": str(champion.version) if champion else None,
            "rows_joined": rows,
            "metrics": metrics,
            "drift": drift,
            "decision": decision,
            "reason": "; ".join(reasons),
            "retrain_requested": verdict.requested,
            "airflow_run_id": run_id,
            "created_at": datetime.now(UTC),
        }
        written = upsert(conn, monitoring, [row], key=("window_end",), touch=("airflow_run_id", "created_at"))
    reasons += [verdict.note] if verdict.note else []
    return {**row, "reasons": reasons, "retrain": verdict.retrain, "alert": verdict.alert, "written": written.written}


def decay_reasons(metrics: dict, config: MonitoringConfig) -> list[str]:
    """Live error rate ABOVE the champion's test error rate, by the factor and by the minimum increase."""
    if "accuracy" not in metrics.get("reference", {}) or not metrics.get("live", {}).get("rows"):
        return []
    live_error, reference_error = 1 - metrics["live"]["accuracy"], 1 - metrics["reference"]["accuracy"]
    if live_error > reference_error * config.decay_factor and live_error - reference_error >= config.min_error_increase:
        return [
            f"live error rate {live_error:.1%} vs {reference_error:.1%} on the champion's test batches "
            f"(limit {config.decay_factor}x and +{config.min_error_increase:.0%})"
        ]
    return []


def _drift(conn, champion, start: datetime, end: datetime, config: MonitoringConfig) -> dict:
    if "train_start" not in champion.tags or "validation_start" not in champion.tags:
        return {}
    columns = list(config.drift_features)
    reference = read_features(
        conn,
        datetime.fromisoformat(champion.tags["train_start"]),
        datetime.fromisoformat(champion.tags["validation_start"]),
        columns,
    )
    return feature_drift(reference, read_features(conn, start, end, columns), config)


def alert(result: dict, config: MonitoringConfig, dag_id: str | None, run_id: str) -> Alert:
    live, reference = result["metrics"].get("live", {}), result["metrics"].get("reference", {})
    error, reference_error = 1 - live.get("accuracy", float("nan")), 1 - reference.get("accuracy", float("nan"))
    return monitoring_alert(
        project=PROJECT,
        scope=SCOPE,
        decision=result["decision"],
        reasons=result["reasons"],
        metrics={"error rate": (error, reference_error * config.decay_factor)},
        drift=result["drift"],
        airflow_run_url=airflow_run_url(dag_id, run_id) if dag_id else None,
        mlflow_model_url=mlflow_model_url(result["model_name"], result["model_version"]),
        run_id=run_id,
        retrain=result["retrain"],
    )
