"""The promotion gate: pure, so its rules are tested without MLflow.

On one test window, the gate compares the challenger (the best candidate on validation), the baseline (the naive
forecast, a candidate like any other) and the current champion:

- the challenger enters only when strictly better than the baseline; else the baseline is the entrant (no
  tolerance for being worse than "no change");
- without a champion, the entrant serves;
- a champion worse than the baseline on this window is replaced at once (a served model never has negative skill
  on its test window);
- otherwise the entrant must beat the champion by `champion_margin` (relative), else the champion stays. Under the
  `live` promotion policy a winner that beat a healthy champion goes to shadow first.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class GateDecision:
    winner: str  # challenger | baseline | champion
    alias: str  # what the registered version gets: champion | shadow | challenger
    reason: str

    @property
    def promotes(self) -> bool:
        return self.alias == "champion"


def decide(
    scores: dict[str, float],
    metric: str,
    higher_is_better: bool,
    champion_margin: float,
    promotion: str = "test_window",
) -> GateDecision:
    """`scores` maps challenger, baseline and (when one exists) champion to their `metric` on the same test rows."""
    sign = -1 if higher_is_better else 1  # compare as "lower is better"

    def better(a: float, b: float) -> bool:
        return sign * a < sign * b

    challenger, baseline, champion = scores["challenger"], scores["baseline"], scores.get("champion")
    entrant = "challenger" if better(challenger, baseline) else "baseline"
    versus = (
        f"challenger {metric} {challenger:.6g} "
        + ("beats" if entrant == "challenger" else "does not beat")
        + f" the baseline's {baseline:.6g}"
    )
    if champion is None:
        return GateDecision(entrant, "champion", f"no champion yet; {versus}, so the {entrant} serves")
    best = scores[entrant]
    if better(baseline, champion):
        return GateDecision(
            entrant,
            "champion",
            f"champion {metric} {champion:.6g} is worse than the baseline's {baseline:.6g} on this window; {versus}, "
            f"so the {entrant} replaces it",
        )
    needed = champion * (1 - sign * champion_margin)
    if better(best, needed):
        alias = "shadow" if promotion == "live" else "champion"
        then = "goes to shadow to prove itself on live data" if alias == "shadow" else "replaces it"
        return GateDecision(
            entrant,
            alias,
            f"{versus}; the {entrant} ({best:.6g}) beats champion {champion:.6g} by the {champion_margin:.2%} margin "
            f"and {then}",
        )
    return GateDecision(
        "champion",
        "challenger",
        f"{versus}; the {entrant} ({best:.6g}) does not beat champion {champion:.6g} by the "
        f"{champion_margin:.2%} margin, so the champion stays",
    )
