import inspect

from projects.crypto_forecast import configs
from projects.crypto_forecast.configs.base import Config


def config_sets() -> dict[str, type[Config]]:
    """Every config-set class in `configs` (a Config subclass with a `name`), by name."""
    found: dict[str, type[Config]] = {}
    for cls in vars(configs).values():
        if inspect.isclass(cls) and issubclass(cls, Config) and isinstance(getattr(cls, "name", None), str):
            if cls.name in found and found[cls.name] is not cls:
                raise ValueError(f"config name {cls.name!r} is used by {found[cls.name].__name__} and {cls.__name__}")
            found[cls.name] = cls
    return found


def load_spec_from_config(name: str = "default") -> Config:
    """The config set called `name` (see configs/project.py), with its defaults filled in."""
    available = config_sets()
    if name not in available:
        raise KeyError(f"no config named {name!r} in {configs.__name__}; available: {', '.join(sorted(available))}")
    return available[name]()
