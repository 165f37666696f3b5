"""Gate decisions, keyed by the training run: a retried task reads the first decision instead of deciding again.

A decision is written before any alias moves, and marked with its version once registered, so a task that dies
between the two finishes the same decision on its retry.
"""

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, update

from db_handler import ensure_schema
from db_handler.tables import gate_decisions
from db_handler.upsert import insert_once


@dataclass(frozen=True)
class RecordedDecision:
    project: str
    model_name: str
    run_id: str
    winner: str  # challenger | baseline | champion
    candidate: str  # the candidate that serves, or the challenger that lost
    alias: str  # champion | shadow | challenger
    reason: str
    scores: dict[str, Any]
    champion_before: str | None
    version: str | None = None
    decided_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def promotes(self) -> bool:
        return self.alias == "champion"

    @property
    def stale(self) -> bool:
        """The run ended before the data the champion has seen: its challenger is recorded, never let in (see
        service.models.gate.stale: the one decision whose winner, the challenger, gets the `challenger` role)."""
        return self.winner == "challenger" and self.alias == "challenger"

    @property
    def keeps_champion(self) -> bool:
        """The champion stayed as it is (it had no recipe to refit), and the losing challenger is recorded."""
        return self.winner == "champion" and not self.promotes


def read_decision(engine: Engine, project: str, model_name: str, run_id: str) -> RecordedDecision | None:
    ensure_schema(engine)
    query = select(gate_decisions).where(
        gate_decisions.c.project == project,
        gate_decisions.c.model_name == model_name,
        gate_decisions.c.run_id == run_id,
    )
    with engine.connect() as conn:
        row = conn.execute(query).one_or_none()
    return RecordedDecision(**row._mapping) if row else None


def record_decision(engine: Engine, decision: RecordedDecision) -> RecordedDecision:
    """Store `decision` unless this run decided already; returns the decision that stands."""
    ensure_schema(engine)
    with engine.begin() as conn:
        insert_once(conn, gate_decisions, asdict(decision))
    return read_decision(engine, decision.project, decision.model_name, decision.run_id)


def mark_registered(engine: Engine, decision: RecordedDecision, version: str) -> RecordedDecision:
    with engine.begin() as conn:
        conn.execute(
            update(gate_decisions)
            .where(
                gate_decisions.c.project == decision.project,
                gate_decisions.c.model_name == decision.model_name,
                gate_decisions.c.run_id == decision.run_id,
            )
            .values(version=version)
        )
    return RecordedDecision(**{**asdict(decision), "version": version})
