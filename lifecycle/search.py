"""Hyperparameter search with Optuna, one trial per Airflow mapped task.

Each training opens one study per partition and candidate family in the results database (schema `optuna` on
PostgreSQL, so its tables stay apart from the project's and its Alembic bookkeeping from ours). The defaults are
the first trial, so the gain of the search over them is measured in the same study. A task asks the study for
its trial's parameters (TPE sampling), reports a validation score per epoch (the median pruner stops a trial
that trails the others), and tells the study the final score. A retried task gets its own trial back.
"""

from datetime import UTC, datetime
from functools import lru_cache

import optuna
from sqlalchemy import text
from sqlalchemy.engine import make_url

from compose.config import Choice, FloatRange, IntRange, ModelParams, TrainingConfig
from db_handler import get_engine

SCHEMA = "optuna"
optuna.logging.set_verbosity(optuna.logging.WARNING)


class Pruned(Exception):
    """The search stopped this trial early: its epochs trailed the median of the trials before it."""


def study_name(project: str, partition: str, candidate: str, parent_run_id: str) -> str:
    return f"{project}/{partition}/{candidate}/{parent_run_id}"


def open_study(name: str, params: type[ModelParams], train: TrainingConfig) -> optuna.Study:
    """The study called `name`, created with the defaults enqueued as its first trial when it is new."""
    study = optuna.create_study(
        study_name=name,
        storage=_storage(),
        direction="maximize" if train.higher_is_better else "minimize",
        sampler=optuna.samplers.TPESampler(seed=train.seed, constant_liar=True),
        pruner=optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=2)
        if train.search.prune
        else optuna.pruners.NopPruner(),
        load_if_exists=True,
    )
    if not study.trials and not study.user_attrs.get("defaults_enqueued"):
        study.set_user_attr("defaults_enqueued", True)
        study.enqueue_trial(_searchable(params().model_dump(), params), skip_if_exists=True)
    return study


def ask(study: optuna.Study, params: type[ModelParams], key: str) -> tuple[optuna.Trial, ModelParams]:
    """The trial of task `key` and its parameters; a trial left running by an earlier try of the task is failed."""
    for stale in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        if stale.user_attrs.get("task") == key:
            study.tell(stale.number, state=optuna.trial.TrialState.FAIL)
    trial = study.ask(distributions(params))
    trial.set_user_attr("task", key)
    trial.set_user_attr("started_at", datetime.now(UTC).isoformat())
    return trial, params(**{**params().model_dump(), **trial.params})


def reporter(trial: optuna.Trial):
    """`report(epoch, value)` for a fit: records the epoch's validation score and raises Pruned when told to stop."""

    def report(epoch: int, value: float) -> None:
        trial.report(value, epoch)
        if trial.should_prune():
            raise Pruned(f"trial {trial.number} pruned at epoch {epoch} (validation {value:.6g})")

    return report


def distributions(params: type[ModelParams]) -> dict[str, optuna.distributions.BaseDistribution]:
    found = {}
    for name, space in params.search_space.items():
        if isinstance(space, FloatRange):
            found[name] = optuna.distributions.FloatDistribution(space.low, space.high, log=space.log)
        elif isinstance(space, IntRange):
            found[name] = optuna.distributions.IntDistribution(space.low, space.high, log=space.log)
        elif isinstance(space, Choice):
            found[name] = optuna.distributions.CategoricalDistribution(space.values)
    return found


def _searchable(defaults: dict, params: type[ModelParams]) -> dict:
    return {name: value for name, value in defaults.items() if name in params.search_space}


@lru_cache(maxsize=4)
def _storage_for(url: str) -> optuna.storages.RDBStorage:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        engine = get_engine(url)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"'))
        query = {key: value for key, value in parsed.query.items() if key != "options"}
        url = parsed.set(query=query).render_as_string(hide_password=False)
        kwargs = {"connect_args": {"options": f"-csearch_path={SCHEMA}"}, "pool_pre_ping": True}
    else:  # another database file beside SQLite's: Optuna keeps its own Alembic bookkeeping
        url = url.replace(".db", ".optuna.db") if url.endswith(".db") else url
        kwargs = {}
    return optuna.storages.RDBStorage(url, engine_kwargs=kwargs)


def _storage() -> optuna.storages.RDBStorage:
    from db_handler import database_url

    return _storage_for(database_url())
