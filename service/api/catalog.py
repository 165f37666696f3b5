"""The projects the service knows, each loaded once through lifecycle.discovery (the contract), with the default
config set it reads partitions and metric settings from. A project folder added later is served after a restart,
as its DAGs are scheduled after the dag-processor finds them."""

from dataclasses import dataclass
from functools import cache

from fastapi import HTTPException

from compose.config import ConfigSet
from lifecycle.contract import Project
from lifecycle.discovery import KINDS, discover, load_project
from service.api.errors import shown


@dataclass(frozen=True)
class KnownProject:
    project: Project
    spec: ConfigSet
    partitions: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.project.name

    @property
    def baseline(self) -> str:
        """The candidate name of the naive baseline: when the champion is this one, the baseline serves."""
        return self.project.hooks.baseline.name

    def model_name(self, partition: str) -> str:
        return self.project.model_name(partition)

    def partition(self, key: str) -> str:
        """The partition named by `key`: a partition, or the registered model of one; 404 otherwise."""
        if key in self.partitions:
            return key
        for partition in self.partitions:
            if self.model_name(partition) == key:
                return partition
        raise HTTPException(
            404, f"{self.name} has no partition or model {shown(key)}; partitions: {', '.join(self.partitions)}"
        )

    def dag_id(self, kind: str) -> str:
        if kind not in KINDS:
            raise HTTPException(404, f"no workflow kind {shown(kind)}; kinds: {', '.join(KINDS)}")
        return self.project.dag_id(kind)


@cache
def project_names() -> tuple[str, ...]:
    return tuple(discover())


def known_project(name: str) -> KnownProject:
    """The project called `name`; 404 when there is none."""
    if name not in project_names():
        raise HTTPException(404, f"no project {shown(name)}; projects: {', '.join(project_names())}")
    return _load(name)


def known_projects() -> list[KnownProject]:
    return [_load(name) for name in project_names()]


@cache
def _load(name: str) -> KnownProject:
    project = load_project(name)
    spec = project.spec()
    return KnownProject(project, spec, tuple(project.partitions_of(spec)))
