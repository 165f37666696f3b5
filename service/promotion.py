"""The end of every training: the gate decides, the best candidate is registered, the alias moves (or not),
the decision is recorded, and the parent run is closed with the scores it was judged on."""

import math

from sqlalchemy import Engine

from service.gate import decide
from service.mlflow_setup import configure_mlflow
from service.registry import CHAMPION, apply_gate, register_version, version_by_alias


def register_through_gate(
    engine: Engine,
    project: str,
    model_name: str,
    best: dict,
    scores: dict[str, dict],
    *,
    metric: str,
    higher_is_better: bool,
    champion_margin: float,
    baseline_tolerance: float,
    parent_run_id: str,
    run_id: str,
    tags: dict[str, str],
    baseline: str = "naive",
) -> dict:
    """`scores` has "challenger", `baseline` and, when a champion exists, "champion", all on the same test window.

    The version's tags keep the challenger's and the baseline's test metrics (monitoring's decay reference)
    beside the caller's `tags` (e.g. the training window, monitoring's drift reference).
    """
    champion = version_by_alias(model_name, CHAMPION)
    decision = decide(
        scores["challenger"][metric],
        scores[baseline][metric],
        scores["champion"][metric] if "champion" in scores else None,
        champion_margin,
        baseline_tolerance,
        metric,
        higher_is_better,
        baseline,
    )
    version_tags = {"candidate": best["candidate"], "parent_run_id": parent_run_id, "airflow_run_id": run_id, **tags}
    for model, prefix in (("challenger", "test_"), (baseline, f"{baseline}_test_")):
        version_tags.update({f"{prefix}{name}": repr(float(value)) for name, value in scores[model].items()})
    version = register_version(model_name, best["model_uri"], best["run_id"], tags=version_tags)
    event = apply_gate(engine, project, model_name, version, decision, scores, run_id, parent_run_id)
    _close_parent_run(
        parent_run_id,
        scores,
        {
            "selected_candidate": best["candidate"],
            "registered_version": version,
            "decision": "promoted" if decision.promote else "rejected",
            "decision_reason": decision.reason,
        },
    )
    before = str(champion.version) if champion else None
    return {
        "model": model_name,
        "candidate": best["candidate"],
        "version": version,
        "champion_before": before,
        "champion_after": version if decision.promote else before,
        "decision": "promoted" if decision.promote else "rejected",
        "reason": decision.reason,
        "alias": event.alias,
        "metrics": scores,
    }


def _close_parent_run(parent_run_id: str, scores: dict[str, dict], tags: dict[str, str]) -> None:
    client = configure_mlflow()
    for model, values in scores.items():
        for name, value in values.items():
            if isinstance(value, (int, float)) and math.isfinite(value):
                client.log_metric(parent_run_id, f"test_{model}_{name}", float(value))
    for key, value in tags.items():
        client.set_tag(parent_run_id, key, value)
    client.set_terminated(parent_run_id, "FINISHED")
