"""What monitoring decided for each partition and window, and the alerts it sent."""

from fastapi import APIRouter

from service.api.catalog import known_project
from service.api.errors import errors
from service.api.reads.history import alerts_page
from service.api.reads.monitoring import monitoring_page
from service.api.routes.params import Limit, Offset, PartitionFilter
from service.api.schemas import Alert, MonitoringPage, Page

router = APIRouter(tags=["monitoring"])


@router.get("/projects/{project}/monitoring", response_model=MonitoringPage, responses=errors(404, 422))
def monitoring(
    project: str, partition: PartitionFilter = None, limit: Limit = 48, offset: Offset = 0
) -> MonitoringPage:
    """Monitoring rows, newest first: live metrics per role, decay against its limit, drift per feature against
    its thresholds, the shadow's trial, the decision; the summary counts decisions and gives each partition's
    latest."""
    known = known_project(project)
    return monitoring_page(known, known.partition(partition) if partition else None, limit, offset)


@router.get("/projects/{project}/alerts", response_model=Page[Alert], responses=errors(404, 422))
def alerts(project: str, limit: Limit = 20, offset: Offset = 0) -> Page[Alert]:
    """Alerts sent about the project (Slack or the console fallback), newest first."""
    return alerts_page(known_project(project), limit, offset)
