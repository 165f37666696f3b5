"""POST /projects/{project}/predict: forecasts from a partition's champion, held in memory (service.api.predictor).
The shadow is never served."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from service.api.catalog import KnownProject, known_project
from service.api.errors import errors, shown
from service.api.predictor import Predictor, Served, predict_rows
from service.api.schemas import PredictRequest, PredictResponse
from service.models.registry import NoChampion

router = APIRouter(tags=["predictions"])


@router.post("/projects/{project}/predict", response_model=PredictResponse, responses=errors(400, 404, 413, 422, 503))
async def predict(project: str, body: PredictRequest, request: Request) -> PredictResponse:
    """Forecasts of the partition's champion for `rows`. Runs on the event loop: a forecast takes a few
    milliseconds of CPU and the champion comes from memory (only the first request of a model waits on the
    registry, in a worker thread; later checks for a moved alias run in the background)."""
    most = request.app.state.max_predict_rows
    if len(body.rows) > most:
        raise HTTPException(413, f"{len(body.rows)} rows: at most {most} per request (API_MAX_PREDICT_ROWS)")
    known = known_project(project)
    partition = _partition(known, body)
    name, predictor = known.model_name(partition), request.app.state.predictor
    served = predictor.cached(name) or await run_in_threadpool(_resolve, predictor, name)
    expected = set(served.inputs)
    for number, row in enumerate(body.rows):
        missing, unknown = sorted(expected - set(row)), sorted(set(row) - expected)
        if missing or unknown:
            raise HTTPException(
                422, f"row {number}: missing columns {_listed(missing)}, unknown columns {_listed(unknown)}"
            )
    return PredictResponse(
        model=name, partition=partition, version=served.version, predictions=predict_rows(served, body.rows)
    )


def _partition(known: KnownProject, body: PredictRequest) -> str:
    """The partition the body names (by partition or registered model), or the project's only one."""
    named = {known.partition(key) for key in (body.partition, body.model) if key is not None}
    if len(named) > 1:
        raise HTTPException(
            422, f"partition {shown(body.partition)} and model {shown(body.model)} name different partitions"
        )
    if named:
        return named.pop()
    if len(known.partitions) == 1:
        return known.partitions[0]
    raise HTTPException(422, f"choose a partition of {known.name}: {', '.join(known.partitions)}")


def _listed(columns: list[str]) -> str:
    """Column names as an error lists them: the first five, each shortened."""
    more = f", and {len(columns) - 5} more" if len(columns) > 5 else ""
    return f"[{', '.join(shown(column) for column in columns[:5])}{more}]"


def _resolve(predictor: Predictor, name: str) -> Served:
    try:
        return predictor.resolve(name)
    except NoChampion as error:
        raise HTTPException(503, str(error)) from None
