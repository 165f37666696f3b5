from projects.crypto_forecast import configs
from projects.crypto_forecast.configs import Default


def config_sets() -> dict[str, type[Default]]:
    """Every config set: Default and its subclasses (configs/__init__.py imports the modules defining them)."""
    found: dict[str, type[Default]] = {}
    pending = [Default]
    while pending:
        cls = pending.pop()
        if cls.name in found and found[cls.name] is not cls:
            raise ValueError(f"config name {cls.name!r} is used by {found[cls.name].__name__} and {cls.__name__}")
        found[cls.name] = cls
        pending.extend(cls.__subclasses__())
    return found


def load_spec_from_config(name: str = "default") -> Default:
    """The config set called `name` (see configs/project.py), with its defaults filled in."""
    available = config_sets()
    if name not in available:
        raise KeyError(f"no config named {name!r} in {configs.__name__}; available: {', '.join(sorted(available))}")
    return available[name]()
