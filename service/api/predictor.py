"""Champions held in memory for /predict: the registry is asked again at most every few seconds which version is
champion, and a model is reloaded only when the alias has moved."""

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from service.models.registry import CHAMPION, NoChampion, load_model, version_by_alias

REGISTRY_CHECK_SECONDS = 5.0
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Served:
    name: str
    version: str
    inputs: tuple[str, ...]  # the columns of the model's input signature
    predict: Callable[[pd.DataFrame], pd.DataFrame]


class Predictor:
    """Answers "which version serves this registered model" from memory. An answer older than
    REGISTRY_CHECK_SECONDS is still served while one background thread asks the registry again, so no request
    waits on the registry except the very first; a moved alias is picked up within a few seconds."""

    def __init__(self) -> None:
        self._answers: dict[str, tuple[float, Served]] = {}  # model name -> (when checked, its champion)
        self._loaded: dict[str, Served] = {}  # model name -> the champion in memory (kept when a check fails)
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()

    def cached(self, name: str) -> Served | None:
        """The remembered champion of `name`, or None before the first answer; no I/O, so safe on the event loop."""
        checked, served = self._answers.get(name, (0.0, None))
        if served and time.monotonic() - checked >= REGISTRY_CHECK_SECONDS and self._refreshing.acquire(blocking=False):
            threading.Thread(target=self._refresh, args=(name,), daemon=True).start()
        return served

    def resolve(self, name: str) -> Served:
        """Ask the registry for the champion of `name` (never the shadow), loaded once per version. NoChampion
        when it has none; RegistryUnavailable when the registry cannot answer."""
        with self._lock:
            checked, served = self._answers.get(name, (0.0, None))
            if served and time.monotonic() - checked < REGISTRY_CHECK_SECONDS:
                return served  # another request asked while this one waited
            current = version_by_alias(name, CHAMPION)
            if current is None:
                raise NoChampion(f"{name} has no champion yet: run its train workflow")
            served = self._loaded.get(name)
            if served is None or served.version != str(current.version):
                served = self._loaded[name] = _load(name, str(current.version))
            self._answers[name] = (time.monotonic(), served)
            return served

    def preload(self, names: list[str]) -> None:
        """Load the champions of `names` now; one without a champion, or a registry that cannot answer, is left
        for its first request to resolve (and report)."""
        for name in names:
            try:
                self.resolve(name)
            except Exception as error:
                log.warning("champion of %s not preloaded: %s", name, error)

    def _refresh(self, name: str) -> None:
        try:
            self.resolve(name)
        except Exception:
            log.warning("registry check for %s failed; asking again on the next request", name, exc_info=True)
            self._answers.pop(name, None)
        finally:
            self._refreshing.release()


def predict_rows(served: Served, rows: list[dict]) -> list[dict]:
    """The model's output for each row (NaN and infinities as None: JSON has no such numbers), built without
    pandas' per-cell overhead: a forecast here costs a few milliseconds, most of them the model's own."""
    values = np.array([[row[name] for name in served.inputs] for row in rows], dtype=float)  # None becomes NaN
    output = served.predict(pd.DataFrame(values, columns=list(served.inputs)))
    columns = {name: output[name].tolist() for name in output.columns}
    return [
        {name: value if math.isfinite(value) else None for name, value in zip(columns, row)}
        for row in zip(*columns.values())
    ]


def _load(name: str, version: str) -> Served:
    from mlflow.exceptions import MlflowException

    model = load_model(f"models:/{name}/{version}")
    inputs = tuple(model.metadata.get_input_schema().input_names())
    try:  # a PythonModel is called directly: the columns and types are checked here already, pyfunc's
        python_model = model.unwrap_python_model()  # schema enforcement would only repeat it (half the time)
        return Served(name, version, inputs, lambda frame: python_model.predict(None, frame))
    except MlflowException:  # any other flavour goes through pyfunc
        return Served(name, version, inputs, model.predict)
