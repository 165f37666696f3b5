"""The registered model of each partition: who holds which role, the moves by hand (promote, shadow, rollback;
each recorded as a model event, as the platform's own), and the history of events."""

from fastapi import APIRouter, HTTPException

from db_handler.runs import manual_run_id
from lifecycle.records import project_engine
from service.api.catalog import KnownProject, known_project
from service.api.errors import errors, safe
from service.api.reads.history import events_page, recorded
from service.api.reads.models import partition_models
from service.api.routes.params import Limit, Offset, PartitionFilter
from service.api.schemas import ModelEvent, Page, PartitionModels, RoleRequest, RollbackRequest
from service.api.security import needs_token
from service.models import roles
from service.models.registry import CHAMPION, SHADOW, NoSuchVersion

router = APIRouter(tags=["models"])


@router.get("/projects/{project}/models", response_model=Page[PartitionModels], responses=errors(404, 422, 503))
def models(project: str, limit: Limit = 100, offset: Offset = 0) -> Page[PartitionModels]:
    """Per partition: champion, shadow and challenger with their skill against the baseline on their test window,
    and whether the baseline itself serves."""
    known = known_project(project)
    items = [partition_models(known, partition) for partition in known.partitions[offset : offset + limit]]
    return Page[PartitionModels](items=items, total=len(known.partitions), limit=limit, offset=offset)


@router.get("/projects/{project}/models/{partition}", response_model=PartitionModels, responses=errors(404, 503))
def models_of(project: str, partition: str) -> PartitionModels:
    """One partition's roles (`partition` may also be its registered model's name)."""
    known = known_project(project)
    return partition_models(known, known.partition(partition))


@router.post(
    "/projects/{project}/models/{partition}/promote", response_model=ModelEvent, **needs_token(400, 404, 409, 422, 503)
)
def promote(project: str, partition: str, request: RoleRequest) -> ModelEvent:
    """Make a version champion by hand; /predict serves it within seconds. 409 when `expected` no longer holds
    the role."""
    return _assign(known_project(project), partition, request, CHAMPION)


@router.post(
    "/projects/{project}/models/{partition}/shadow", response_model=ModelEvent, **needs_token(400, 404, 409, 422, 503)
)
def shadow(project: str, partition: str, request: RoleRequest) -> ModelEvent:
    """Put a version in shadow by hand: it forecasts beside the champion on live data, never served, until
    monitoring promotes or retires it."""
    return _assign(known_project(project), partition, request, SHADOW)


@router.post(
    "/projects/{project}/models/{partition}/rollback", response_model=ModelEvent, **needs_token(400, 404, 409, 422, 503)
)
def rollback(project: str, partition: str, request: RollbackRequest) -> ModelEvent:
    """The champion back to the version it replaced; 409 when it replaced none, that version was deleted, or
    `expected` no longer holds the role."""
    known = known_project(project)
    name = known.model_name(known.partition(partition))
    engine, run_id = project_engine(known.project), manual_run_id("api")
    try:
        event = roles.rollback(engine, known.name, name, request.reason, run_id, request.expected)
    except (LookupError, roles.Superseded) as error:  # no champion, no version to return to, or moved since
        raise HTTPException(409, str(error)) from None
    return recorded(known, event)


@router.get("/projects/{project}/events", response_model=Page[ModelEvent], responses=errors(404, 422))
def events(project: str, partition: PartitionFilter = None, limit: Limit = 50, offset: Offset = 0) -> Page[ModelEvent]:
    """Model events, newest first: every role the gate, monitoring or a person gave, and why."""
    known = known_project(project)
    return events_page(known, known.partition(partition) if partition else None, limit, offset)


def _assign(known: KnownProject, partition: str, request: RoleRequest, role: str) -> ModelEvent:
    name = known.model_name(known.partition(partition))
    engine = project_engine(known.project)
    try:
        event = roles.assign_by_hand(
            engine, known.name, name, request.version, role, request.reason, manual_run_id("api"), request.expected
        )
    except NoSuchVersion as error:
        raise HTTPException(404, safe(error)) from None
    except (roles.RoleConflict, roles.Superseded) as error:
        raise HTTPException(409, str(error)) from None
    return recorded(known, event)
