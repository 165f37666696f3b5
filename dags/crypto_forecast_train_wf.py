"""crypto_forecast train workflow: candidates in parallel, then evaluate against champion and naive, register,
and move the `champion` alias only through the gate.

Weekly, and on demand: the monitoring workflow triggers it with conf {"reason": ..., "end": ...}. Thin by
design: tasks call projects.crypto_forecast.run and nothing deeper.
"""

from airflow.sdk import CronDataIntervalTimetable, Param, dag, task

from compose.airflow import CONFIG_PARAM, DAG_CALLBACKS, DEFAULT_ARGS, INTERVAL_PARAMS_HELP, START_DATE

PROJECT = "crypto_forecast"


@dag(
    dag_id=f"{PROJECT}_train_wf",
    schedule=CronDataIntervalTimetable("0 3 * * 1", timezone="UTC"),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    **DAG_CALLBACKS,
    tags=[PROJECT, "train"],
    params={
        "reason": Param(None, type=["null", "string"], description="why (drift, decay, manual); empty: the run type"),
        "end": Param(None, type=["null", "string"], description=f"end of the data window; {INTERVAL_PARAMS_HELP}"),
        "market": Param(None, type=["null", "string"], description="empty: the config's first market"),
        "config": CONFIG_PARAM,
    },
)
def crypto_forecast_train_wf():
    @task
    def prepare(**context) -> dict:
        from projects.crypto_forecast import run

        params = context["params"]
        return run.train_prepare(
            end=params["end"] or context["data_interval_end"].isoformat(),
            market=params["market"],
            reason=params["reason"] or getattr(context["dag_run"].run_type, "value", "manual"),
            config=params["config"],
            run_id=context["run_id"],
        )

    @task
    def plan_candidates(prepared: dict) -> list[dict]:
        """One set of arguments per candidate: the mapped tasks below run them in parallel."""
        shared = {key: prepared[key] for key in ("parent_run_id", "end", "market")}
        return [{"candidate": candidate, **shared} for candidate in prepared["candidates"]]

    @task(map_index_template="{{ candidate }}")
    def train_candidate(candidate: str, parent_run_id: str, end: str, market: str, **context) -> dict:
        from projects.crypto_forecast import run

        return run.train_candidate(parent_run_id, candidate, end, market, config=context["params"]["config"])

    @task
    def evaluate_and_promote(prepared: dict, results: list, **context) -> dict:
        from projects.crypto_forecast import run

        return run.train_select(
            prepared["parent_run_id"], results, prepared["end"], prepared["market"], config=context["params"]["config"],
            run_id=context["run_id"],
        )

    prepared = prepare()
    results = train_candidate.expand_kwargs(plan_candidates(prepared))
    evaluate_and_promote(prepared, results)


crypto_forecast_train_wf()
