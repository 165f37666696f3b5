"""The versions holding a role in each partition's registered model, with their skill on their test window."""

import math
from datetime import UTC, datetime

from mlflow.entities.model_registry import ModelVersion

from service.api.catalog import KnownProject
from service.api.schemas import PartitionModels, SkillVsBaseline, VersionInfo
from service.models import registry
from service.models.registry import CHALLENGER, CHAMPION, SHADOW


def partition_models(known: KnownProject, partition: str) -> PartitionModels:
    """Champion, shadow and challenger of the partition (RegistryUnavailable when the registry cannot say)."""
    name = known.model_name(partition)
    roles = {role: registry.version_by_alias(name, role) for role in (CHAMPION, SHADOW, CHALLENGER)}
    described = {role: version_info(known, version) if version else None for role, version in roles.items()}
    champion = described[CHAMPION]
    return PartitionModels(
        partition=partition,
        model=name,
        **described,
        baseline_serves=champion is not None and champion.candidate == known.baseline,
    )


def version_info(known: KnownProject, version: ModelVersion) -> VersionInfo:
    test, baseline_test = metric_tags(version.tags, "test_"), metric_tags(version.tags, "baseline_test_")
    return VersionInfo(
        version=str(version.version),
        candidate=version.tags.get("candidate"),
        run_id=version.run_id,
        created_at=datetime.fromtimestamp(version.creation_timestamp / 1000, tz=UTC),
        test=test,
        baseline_test=baseline_test,
        skill=skill(known, test, baseline_test),
    )


def metric_tags(tags: dict[str, str], prefix: str) -> dict[str, float]:
    """{metric: value} of the tags `<prefix><metric>` holding a finite number (test_start, a split bound, is not)."""
    metrics = {}
    for key, value in tags.items():
        if key.startswith(prefix):
            try:
                number = float(value)
            except ValueError:
                continue
            if math.isfinite(number):
                metrics[key.removeprefix(prefix)] = number
    return metrics


def skill(known: KnownProject, test: dict[str, float], baseline_test: dict[str, float]) -> SkillVsBaseline | None:
    """The selection metric against the baseline's, as the share by which it is better (whichever way it points)."""
    metric = known.spec.train.selection_metric
    if metric not in test or metric not in baseline_test:
        return None
    value, baseline = test[metric], baseline_test[metric]
    gain = (value - baseline) if known.spec.train.higher_is_better else (baseline - value)
    return SkillVsBaseline(
        metric=metric, value=value, baseline=baseline, improvement=gain / abs(baseline) if baseline else None
    )
