"""Base class of every config: frozen, strict, and printable as a flat dict of parameters for MLflow."""

from pydantic import BaseModel, ConfigDict


class Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
