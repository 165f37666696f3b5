"""The promotion gate: pure, so its rules are tested without MLflow."""

from dataclasses import dataclass


@dataclass(frozen=True)
class GateDecision:
    promote: bool
    reason: str


def decide(
    challenger: float,
    naive: float,
    champion: float | None,
    champion_margin: float,
    naive_tolerance: float,
    metric: str = "mae",
    higher_is_better: bool = False,
    baseline: str = "naive",
) -> GateDecision:
    """Promote when the challenger beats the champion by `champion_margin` (relative) on the same window and
    is not worse than the `baseline` (naive persistence, majority class, ...) beyond `naive_tolerance`
    (relative). Without a champion, the baseline test alone decides."""
    sign = -1 if higher_is_better else 1  # compare as "lower is better"
    vs_naive_limit = naive * (1 + sign * naive_tolerance)
    if sign * challenger > sign * vs_naive_limit:
        return GateDecision(
            False,
            f"{metric} {challenger:.6g} is worse than {baseline} {naive:.6g} beyond the {naive_tolerance:.2%} tolerance",
        )
    if champion is None:
        return GateDecision(
            True, f"no champion yet; {metric} {challenger:.6g} within tolerance of {baseline} {naive:.6g}"
        )
    needed = champion * (1 - sign * champion_margin)
    if sign * challenger < sign * needed:
        return GateDecision(
            True, f"{metric} {challenger:.6g} beats champion {champion:.6g} by the {champion_margin:.2%} margin"
        )
    return GateDecision(
        False, f"{metric} {challenger:.6g} does not beat champion {champion:.6g} by the {champion_margin:.2%} margin"
    )
