from compose.specs import load_spec
from projects.tumor_classifier.configs import Default


def load_spec_from_config(name: str = "default") -> Default:
    """The config set called `name`: Default or a subclass of it (configs/project.py), defaults filled in."""
    return load_spec(Default, name)
