"""Stage `train`, the platform's train sequence for one partition:

    prepare   the window ending at `end` (never after the newest stored row), split train | validation | test by
              time; the MLflow parent run; the search studies; the training marked in flight
    trial     one fit of one candidate family (the defaults, or the parameters the search asks for), scored on
              validation and test, logged as a child run with its model; the baseline is a candidate too
    gate      the best challenger on validation meets the champion and the baseline on the same test rows
              (service.models.gate); the decision is recorded before anything moves, keyed by the run. A run
              that ends before the data the champion has seen is `stale`: it never demotes the champion
    register  the winner refitted on the whole window up to `end` (what serves; a champion that stays is refitted
              too, from its recipe), registered with its windows as tags, given its role (champion, or shadow
              under the live policy) by compare-and-set: if the champion is no longer the one the gate judged
              against, the move is `superseded` and the version becomes challenger; the event recorded, Slack told
              of a stale or superseded outcome

The train DAG runs each step as its own task (trials mapped in parallel); `train()` runs them all in one process.
A retried step returns what its first try decided and changes nothing.
"""

import json
import logging
import os
import sys
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from compose.config import ConfigSet
from db_handler.runs import training_alive, training_ended, training_started
from lifecycle import models, plots, search
from lifecycle.contract import Candidate, NotEnoughData, Project, SplitBounds
from lifecycle.reads import newest, read_dataset
from lifecycle.records import per_partition, project_engine, stage_run, utc
from messenger.delivery import notify
from messenger.links import airflow_run_url
from messenger.messages import held_back_alert
from service.models import gate as gate_rules
from service.models import registry, tracking
from service.models.decisions import RecordedDecision, mark_registered, read_decision, record_decision
from service.models.events import SUPERSEDED, ModelEvent
from service.models.registry import CHALLENGER, CHAMPION
from service.models.roles import apply_decision

log = logging.getLogger(__name__)
HISTORY_ROWS = 72  # rows read before the training window, for models that look back over a window of rows
OUTCOMES = {"champion": "promoted", "shadow": "shadow", "challenger": "rejected"}


def train(
    project: Project,
    end: datetime | str | None = None,
    partition: str | None = None,
    reason: str = "manual",
    config: str | ConfigSet = "default",
    run_id: str | None = None,
) -> dict[str, Any]:
    """Every step for every partition (or one) in this process; one summary line per partition."""
    spec = project.spec(config)

    def every_step(name: str) -> dict[str, Any]:
        prepared = prepare(project, name, end, reason, config, run_id, quiet=True)
        results = [
            trial(project, prepared, candidate, number, config, quiet=True) for candidate, number in plan(prepared)
        ]
        return register(project, gate(project, prepared, results, config, quiet=True), config)

    return per_partition(project, spec, partition, every_step)


def prepare(
    project: Project,
    partition: str,
    end: datetime | str | None = None,
    reason: str = "manual",
    config: str | ConfigSet = "default",
    run_id: str | None = None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Check the window has data, open the parent run and the search studies, and mark the training in flight.

    The window ends at `end`, or earlier if the newest stored row is older (the data workflow lagged): training
    never waits for, or pretends to have, rows that are not there."""
    spec = project.spec(config)
    engine = project_engine(project)
    end = window_end(engine, project, partition, end)
    name = project.model_name(partition)
    with stage_run(engine, project, "train.prepare", run_id, end=end, quiet=True, partition=partition) as run:
        frame, bounds = load_dataset(engine, project, partition, end, spec)
        counts = frame["split"].value_counts().to_dict()
        training_started(engine, project.name, name, run.run_id, end)
        tags = {
            "partition": partition,
            "model_name": name,
            "airflow_run_id": run.run_id,
            "trigger_reason": reason,
            "feature_set_version": spec.features.version,
            **bounds.as_dict(),
            **{f"rows_{split}": str(counts.get(split, 0)) for split in ("train", "validation", "test")},
        }
        parent_run_id = tracking.open_parent_run(
            project.name,
            f"train {partition} until {end:%Y-%m-%d %H:%M}",
            tags,
            spec.model_dump(mode="json"),
            project.folder,
            reuse_for=run.run_id,
        )
        trials = {candidate: _trials(spec, candidate) for candidate in spec.train.candidates}
        for candidate in (family for family, count in trials.items() if count > 1):
            study = search.study_name(project.name, partition, candidate, parent_run_id)
            search.open_study(study, candidate_family(project, candidate).params, spec.train)
        run.summary = {
            "partition": partition,
            "model": name,
            "end": end.isoformat(),
            "reason": reason,
            "parent_run_id": parent_run_id,
            "bounds": bounds.as_dict(),
            "rows": counts,
            "trials": trials,
            "baseline": project.hooks.baseline.name,
        }
    return _printed(run.summary, quiet)


def trial(
    project: Project,
    prepared: dict[str, Any],
    candidate: str,
    number: int = 0,
    config: str | ConfigSet = "default",
    quiet: bool = False,
) -> dict[str, Any]:
    """Fit `candidate` (trial `number` of its search, or its defaults), score it, log it as a child run."""
    spec = project.spec(config)
    engine = project_engine(project)
    partition, run_id = prepared["partition"], prepared["run_id"]
    training_alive(engine, project.name, prepared["model"], run_id)
    family = candidate_family(project, candidate)
    frame, _ = load_dataset(engine, project, partition, utc(prepared["end"]), spec)
    study = trial_handle = None
    params = family.params()
    if _trials(spec, candidate) > 1:
        study = search.open_study(
            search.study_name(project.name, partition, candidate, prepared["parent_run_id"]), family.params, spec.train
        )
        trial_handle, params = search.ask(study, family.params, key=f"{run_id}/{candidate}/{number}")
    report = search.reporter(trial_handle) if trial_handle else no_report
    progress = f"{project.name} {partition}: {candidate} trial {number + 1} of {_trials(spec, candidate)}"
    log.info("%s: %s", progress, ", ".join(f"{key}={value}" for key, value in params) or "no parameters")
    result = {
        "stage": "train.trial",
        "partition": partition,
        "candidate": candidate,
        "trial": number,
        "params": params.model_dump(mode="json"),
    }
    try:
        fitted = family.fit(frame, params, spec.train.seed, report)
    except search.Pruned as pruned:
        study.tell(trial_handle, state=search.optuna.trial.TrialState.PRUNED)
        return _printed({**result, "status": "pruned", "note": str(pruned)}, quiet)
    predicted = np.asarray(fitted.model.predict(frame), dtype=float)
    scores = {split: _score(project, spec, frame, predicted, split) for split in ("validation", "test")}
    metric = spec.train.selection_metric
    logged = tracking.log_child_run(
        project.name,
        prepared["parent_run_id"],
        f"{candidate} #{number}",
        tags={
            "candidate": candidate,
            "trial": str(number),
            "partition": partition,
            "settings": json.dumps(fitted.settings),
        },
        params={**result["params"], **{f"selected_{key}": value for key, value in fitted.settings.items()}},
        metrics={f"{split}_{name}": value for split, values in scores.items() for name, value in values.items()},
        epochs=fitted.epochs,
        model=_to_log(project, family, frame, fitted),
        log_extras=lambda: plots.log_fit_plots(project, frame, predicted, fitted.epochs, candidate),
    )
    if study is not None:
        study.tell(trial_handle, scores["validation"][metric])
    log.info(
        "%s done: validation %s %.4g, test %s %.4g",
        progress,
        metric,
        scores["validation"][metric],
        metric,
        scores["test"][metric],
    )
    summary = {**result, "status": "done", "settings": fitted.settings, **scores, **logged}
    return _printed(summary, quiet)


def gate(
    project: Project,
    prepared: dict[str, Any],
    results: list[dict[str, Any]],
    config: str | ConfigSet = "default",
    quiet: bool = False,
) -> dict[str, Any]:
    """The best challenger on validation against the champion and the baseline on the same test rows; the decision
    is recorded before any alias moves, and a retry of the same run gets the recorded decision back."""
    spec = project.spec(config)
    engine = project_engine(project)
    name, run_id, partition = prepared["model"], prepared["run_id"], prepared["partition"]
    training_alive(engine, project.name, name, run_id)
    mine = [result for result in results if result["partition"] == partition and result.get("status") == "done"]
    baseline = next((r for r in mine if r["candidate"] == project.hooks.baseline.name), None)
    fitted = [r for r in mine if r["candidate"] != project.hooks.baseline.name]
    if baseline is None or not fitted:
        raise RuntimeError(f"{name}: no finished trial of the baseline or of any candidate to gate")
    metric, sign = spec.train.selection_metric, -1 if spec.train.higher_is_better else 1
    challenger = min(fitted, key=lambda r: sign * r["validation"][metric])
    recorded = read_decision(engine, project.name, name, run_id)
    if recorded is None:
        champion = registry.version_by_alias(name, CHAMPION)  # an unreachable registry raises: no decision without it
        end, seen_until = utc(prepared["end"]), registry.seen_until(champion)
        stale = seen_until is not None and end < seen_until
        uris = {"challenger": challenger["model_uri"], "baseline": baseline["model_uri"]}
        unseen_from = None
        if champion is not None and not stale:  # a stale run's window is data the champion was fitted on
            uris["champion"] = f"models:/{name}/{champion.version}"
            unseen_from = utc(champion.tags["fit_end"]) if "fit_end" in champion.tags else None
        scores = _test_scores(engine, project, prepared, spec, uris, unseen_from)
        if stale:
            decision = gate_rules.stale(end, str(champion.version), seen_until)
        else:
            decision = gate_rules.decide(
                {model: values[metric] for model, values in scores.items()},
                metric,
                spec.train.higher_is_better,
                spec.train.champion_margin,
                spec.train.promotion.mode,
                champion_refits=champion is not None and _recipe(project, champion.tags) is not None,
            )
        chosen = _chosen(project, name, decision, challenger, baseline, champion)
        recorded = record_decision(
            engine,
            RecordedDecision(
                project=project.name,
                model_name=name,
                run_id=run_id,
                winner=decision.winner,
                candidate=chosen["candidate"],
                alias=decision.alias,
                reason=decision.reason,
                scores=scores,
                champion_before=str(champion.version) if champion else None,
            ),
        )
    chosen = _chosen(project, name, recorded, challenger, baseline)
    summary = {
        "stage": "train.gate",
        "prepared": prepared,
        "decision": {key: value for key, value in vars(recorded).items() if key != "decided_at"},
        "chosen": chosen,
        "baseline": baseline,
        "candidates": {r["candidate"]: r["validation"][metric] for r in mine},
    }
    return _printed(summary, quiet)


def register(project: Project, gated: dict[str, Any], config: str | ConfigSet = "default") -> dict[str, Any]:
    """Refit the winner on the whole window, register it, give it its role, record the event; when a champion
    without a recipe stays, the challenger that lost is registered as it was evaluated, with the `challenger`
    role, for the record."""
    spec = project.spec(config)
    engine = project_engine(project)
    prepared, chosen = gated["prepared"], gated["chosen"]
    name, run_id, end = prepared["model"], prepared["run_id"], utc(prepared["end"])
    with stage_run(engine, project, "train", run_id, end=end, partition=prepared["partition"]) as run:
        decision = read_decision(engine, project.name, name, run_id)
        if decision is None:
            raise RuntimeError(f"{name}: no gate decision recorded for {run_id}; run the gate first")
        training_alive(engine, project.name, name, run_id)
        if decision.version is None:
            version, model_run = _register(engine, project, spec, prepared, decision, chosen, gated["baseline"])
            decision = mark_registered(engine, decision, version)  # before the alias moves: a retry registers no twin
            event = apply_decision(engine, decision, version, end, model_run)
        else:
            event = apply_decision(engine, decision, decision.version, end)
        if decision.keeps_champion:  # drift is judged up to the window it was just kept on
            registry.tag_version(name, decision.champion_before, {"validated_end": end.isoformat()})
        outcome, superseded = _outcome(decision, event), event.action == SUPERSEDED
        reason = event.reason if superseded else decision.reason
        if outcome in ("stale", SUPERSEDED):
            _tell_held_back(project, decision, outcome, reason)
        training_ended(engine, project.name, name, run_id, "done")
        tracking.close_parent_run(
            prepared["parent_run_id"],
            {
                f"test_{model}_{key}": value
                for model, values in decision.scores.items()
                for key, value in values.items()
            },
            {"decision": outcome, "registered_version": decision.version, "reason": reason},
        )
        before = decision.champion_before
        # superseded: the version that held the alias when this move was refused
        after = event.from_version if superseded else (decision.version if decision.promotes else before)
        run.rows_written = 1
        run.summary = {
            "partition": prepared["partition"],
            "model": name,
            "end": end.isoformat(),
            "parent_run_id": prepared["parent_run_id"],
            "candidate": decision.candidate,
            "winner": decision.winner,
            "version": decision.version,
            "decision": outcome,
            "alias": CHALLENGER if superseded else event.alias,
            "reason": reason,
            "champion_before": before,
            "champion_after": after,
            "metrics": decision.scores,
            "candidates": gated["candidates"],
        }
    return run.summary


def _outcome(decision: RecordedDecision, event: ModelEvent) -> str:
    """promoted, refitted (the champion stayed and its refit serves), shadow, rejected, stale (the run ended before
    the data the champion has seen), or superseded (the champion moved after the gate judged against it)."""
    if event.action == SUPERSEDED:
        return SUPERSEDED
    if decision.stale:
        return "stale"
    return "refitted" if decision.winner == "champion" and decision.promotes else OUTCOMES[decision.alias]


def _tell_held_back(project: Project, decision: RecordedDecision, outcome: str, reason: str) -> None:
    """Slack hears of a version held back from the champion's role (once per run: a retry finds it told)."""
    dag_id = os.environ.get("AIRFLOW_CTX_DAG_ID")  # set inside an Airflow task
    link = airflow_run_url(dag_id, decision.run_id) if dag_id else None
    alert = held_back_alert(project.name, decision.model_name, outcome, decision.version, reason, decision.run_id, link)
    notify(alert, project_engine(project))


def _recipe(project: Project, tags: dict[str, str]) -> dict[str, Any] | None:
    """What a registered version was fitted with (candidate family, parameters, selected settings), to refit it;
    None for the baseline (nothing to learn) and for a version registered by hand."""
    if tags.get("candidate") not in project.hooks.candidates or "params" not in tags:
        return None
    settings = json.loads(tags.get("settings", "{}"))
    return {"candidate": tags["candidate"], "params": json.loads(tags["params"]), "settings": settings}


def window_end(engine: Engine, project: Project, partition: str, end: datetime | str | None) -> datetime:
    """`end`, or just after the newest stored feature row when that is earlier or `end` is not given."""
    with engine.connect() as conn:
        stored = newest(conn, project.tables, project.tables.features, project.tables.time, partition)
    if stored is None:
        raise NotEnoughData(f"{project.name} {partition}: no stored features; run the data stage first")
    after_newest = stored + project.cadence
    return min(utc(end), after_newest) if end else after_newest


def load_dataset(
    engine: Engine, project: Project, partition: str, end: datetime, spec: ConfigSet
) -> tuple[pd.DataFrame, SplitBounds]:
    """Labelled rows of the window ending at `end`, with their split; NotEnoughData when a split is too small."""
    bounds = project.hooks.split(end, spec)
    start = bounds.train_start - HISTORY_ROWS * project.cadence
    with engine.connect() as conn:
        frame = read_dataset(conn, project.tables, partition, start, end, spec.features.columns)
    frame = assign_splits(project.label(frame, spec), bounds)
    require_splits(frame, project, partition, bounds, spec)
    return frame, bounds


def require_splits(frame: pd.DataFrame, project: Project, partition: str, bounds: SplitBounds, spec: ConfigSet) -> None:
    """NotEnoughData unless the train split has `min_training_rows` and validation and test have some rows."""
    counts = frame["split"].value_counts()
    if counts.get("train", 0) < spec.train.min_training_rows or not counts.get("validation") or not counts.get("test"):
        raise NotEnoughData(
            f"{project.model_name(partition)}: {counts.get('train', 0)} train / {counts.get('validation', 0)} "
            f"validation / {counts.get('test', 0)} test rows with known outcomes in {bounds.train_start.isoformat()} .. "
            f"{bounds.end.isoformat()} (need >= {spec.train.min_training_rows} train rows and some of each); run the "
            "data workflow for that range first"
        )


def assign_splits(frame: pd.DataFrame, bounds: SplitBounds) -> pd.DataFrame:
    """split = train / validation / test by label_time; None for unlabelled rows and rows kept only as history."""
    at, labelled = frame["label_time"], frame["target"].notna()
    split = np.select(
        [
            labelled & (at >= bounds.train_start) & (at < bounds.validation_start),
            labelled & (at >= bounds.validation_start) & (at < bounds.test_start),
            labelled & (at >= bounds.test_start) & (at < bounds.end),
        ],
        ["train", "validation", "test"],
        default=None,
    )
    return frame.assign(split=split)


def plan(prepared: dict[str, Any]) -> list[tuple[str, int]]:
    """(candidate, trial number) of every fit a prepared training runs: each candidate's trials, then the baseline."""
    fits = [(candidate, number) for candidate, count in prepared["trials"].items() for number in range(count)]
    return [*fits, (prepared["baseline"], 0)]


def _chosen(project, name, decision, challenger, baseline, champion=None) -> dict[str, Any]:
    """What the register step fits or records: the baseline's or the challenger's trial, or the recipe of a
    champion that stays (read from the version the gate compared, so a retry finds the same)."""
    if decision.winner == "baseline":
        return baseline
    if decision.winner == "champion" and decision.promotes:
        champion = champion or registry.get_version(name, decision.champion_before)
        return _recipe(project, champion.tags)
    return challenger


def _register(engine, project, spec, prepared, decision, chosen, baseline) -> tuple[str, str]:
    """(version, MLflow run of the registered model)."""
    bounds = SplitBounds(**{key: utc(value) for key, value in prepared["bounds"].items()})
    winner_scores = decision.scores["challenger" if decision.keeps_champion else decision.winner]
    tags = {
        "candidate": chosen["candidate"],
        "partition": prepared["partition"],
        "parent_run_id": prepared["parent_run_id"],
        "airflow_run_id": decision.run_id,
        "params": json.dumps(chosen["params"]),
        "settings": json.dumps(chosen["settings"]),
        **bounds.as_dict(),
        **{f"test_{key}": repr(float(value)) for key, value in winner_scores.items()},
        **{f"baseline_test_{key}": repr(float(value)) for key, value in decision.scores["baseline"].items()},
    }
    if decision.alias == CHALLENGER:  # the losing (or stale) challenger, as evaluated: fitted on the train split
        tags.update(fit_start=bounds.train_start.isoformat(), fit_end=bounds.validation_start.isoformat())
        tags.update(baseline_model_uri=baseline["model_uri"], baseline_run_id=baseline["run_id"])
        version = registry.register_version(decision.model_name, chosen["model_uri"], chosen["run_id"], tags)
        return version, chosen["run_id"]
    refit = _refit(engine, project, spec, prepared, chosen)
    companion = refit if chosen is baseline else _refit(engine, project, spec, prepared, baseline)
    tags.update(fit_start=bounds.train_start.isoformat(), fit_end=bounds.end.isoformat())
    tags.update(baseline_model_uri=companion["model_uri"], baseline_run_id=companion["run_id"])
    version = registry.register_version(decision.model_name, refit["model_uri"], refit["run_id"], tags)
    return version, refit["run_id"]


def _refit(engine, project: Project, spec: ConfigSet, prepared: dict, chosen: dict) -> dict[str, str]:
    """`chosen` fitted again with its selected parameters and settings on every labelled row up to the end."""
    family = candidate_family(project, chosen["candidate"])
    frame, _ = load_dataset(engine, project, prepared["partition"], utc(prepared["end"]), spec)
    frame = frame.assign(split=np.where(frame["split"].notna(), "train", None))
    params = family.params(**{**chosen["params"], **chosen["settings"]})
    fitted = family.fit(frame, params, spec.train.seed, no_report)
    return tracking.log_child_run(
        project.name,
        prepared["parent_run_id"],
        f"refit {chosen['candidate']}",
        tags={"candidate": chosen["candidate"], "partition": prepared["partition"], "refit": "true"},
        params=params.model_dump(mode="json"),
        metrics={},
        epochs=fitted.epochs,
        model=_to_log(project, family, frame, fitted),
    )


def _test_scores(
    engine, project: Project, prepared: dict, spec: ConfigSet, uris: dict[str, str], unseen_from: datetime | None
) -> dict[str, dict]:
    """Metrics of each model on the test rows where every one of them has a forecast, labelled from `unseen_from`
    on when any are: a champion refitted up to its own run's end was fitted on the start of a later run's test
    window, and scoring it there would favour it."""
    frame, _ = load_dataset(engine, project, prepared["partition"], utc(prepared["end"]), spec)
    predicted = {
        model: registry.predict(registry.load_model(uri), frame, project.output) for model, uri in uris.items()
    }
    return scores_on_common_rows(project, spec, frame, gate_rows(frame, unseen_from), predicted, "baseline")


def gate_rows(frame: pd.DataFrame, unseen_from: datetime | None) -> np.ndarray:
    """The test split, without the rows labelled before `unseen_from` unless that would leave none."""
    test = (frame["split"] == "test").to_numpy()
    if unseen_from is None:
        return test
    unseen = test & (frame["label_time"] >= unseen_from).to_numpy()
    return unseen if unseen.any() else test


def scores_on_common_rows(
    project: Project,
    spec: ConfigSet,
    frame: pd.DataFrame,
    rows: np.ndarray,
    predicted: dict[str, np.ndarray],
    baseline: str,
) -> dict[str, dict[str, float]]:
    """Each model's metrics on the `rows` of `frame` that every one of them forecast (so all are judged on the same
    rows), with its skill against the `baseline` model's."""
    common = rows.copy()
    for values in predicted.values():
        common &= np.isfinite(values)
    scores = {
        model: project.hooks.score(frame.loc[common], values[common], spec) for model, values in predicted.items()
    }
    return {model: {**values, "skill": skill(values, scores[baseline], spec)} for model, values in scores.items()}


def skill(scores: dict[str, float], baseline: dict[str, float], spec: ConfigSet) -> float:
    """Skill against the baseline on the selection metric: the share of the baseline's error removed (0: as good
    as the baseline, below 0: worse); for a higher-is-better metric, the relative gain over the baseline."""
    metric, reference = spec.train.selection_metric, baseline[spec.train.selection_metric]
    if not reference:
        return float("nan")
    ratio = scores[metric] / reference
    return ratio - 1 if spec.train.higher_is_better else 1 - ratio


def _score(
    project: Project, spec: ConfigSet, frame: pd.DataFrame, predicted: np.ndarray, split: str
) -> dict[str, float]:
    rows = (frame["split"] == split).to_numpy() & np.isfinite(predicted)
    return project.hooks.score(frame.loc[rows], predicted[rows], spec)


def _to_log(project: Project, family: Candidate, frame: pd.DataFrame, fitted) -> tracking.ModelToLog:
    """The fitted model as a child run logs it: its example is the last window + 2 complete rows of its inputs
    (enough for a windowed model to forecast); its code is the project's package and the platform's models."""
    example = frame[fitted.model.inputs].dropna().tail(fitted.model.window + 2).reset_index(drop=True)
    code = (sys.modules[project.package], models)
    return tracking.ModelToLog(fitted.model, project.output, example, tracking.requirements(*family.requirements), code)


def _trials(spec: ConfigSet, candidate: str) -> int:
    return max(1, spec.train.search.trials.get(candidate, 1))


def candidate_family(project: Project, name: str) -> Candidate:
    if name == project.hooks.baseline.name:
        return project.hooks.baseline
    if name not in project.hooks.candidates:
        raise KeyError(f"{project.name} has no candidate {name!r}; candidates: {', '.join(project.hooks.candidates)}")
    return project.hooks.candidates[name]


def no_report(epoch: int, value: float) -> None:
    """Outside a search nothing listens to per-epoch scores (the fit still logs them as its learning curve)."""


def _printed(summary: dict[str, Any], quiet: bool) -> dict[str, Any]:
    if not quiet:
        print(json.dumps(summary, default=str), flush=True)
    return summary
