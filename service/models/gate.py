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

A champion that stays is refitted, like any winner, on the window up to the run's end when it has a recipe (a
candidate family and its parameters; the baseline has nothing to learn, a version registered by hand no recipe):
the refit becomes the champion, so a retrain always serves a model that has seen the newest data. Without a recipe
the champion stays as it is and the challenger is recorded as rejected.

A run whose window ends before the data the champion has seen never demotes it (`stale`): a backfill of old
trainings, a late retry, a manual run with an old date. Its challenger is recorded, as `challenger`.
"""

from dataclasses import dataclass
from datetime import datetime


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
    champion_refits: bool = False,
) -> GateDecision:
    """`scores` maps challenger, baseline and (when one exists) champion to their `metric` on the same test rows;
    `champion_refits`: the champion has a recipe to refit if it stays."""
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
    stays = (
        f"{versus}; the {entrant} ({best:.6g}) does not beat champion {champion:.6g} by the {champion_margin:.2%} "
        "margin, so the champion stays"
    )
    if champion_refits:
        return GateDecision("champion", "champion", f"{stays}, refitted on the window up to the end")
    return GateDecision("champion", "challenger", stays)


def stale(run_end: datetime, champion: str, seen_until: datetime) -> GateDecision:
    """The decision of a run whose window ends at `run_end`, before `seen_until` (the end of the data the champion
    was fitted on, or kept on by a gate): whatever the scores, the champion stays and the challenger is recorded.
    The only decision whose winner, the challenger, gets the `challenger` role."""
    return GateDecision(
        "challenger",
        "challenger",
        f"stale: this run's window ends {run_end:%Y-%m-%d %H:%M}, before the data champion v{champion} has seen "
        f"(up to {seen_until:%Y-%m-%d %H:%M}); an older run never demotes a newer champion, so its challenger is "
        "registered as challenger",
    )
