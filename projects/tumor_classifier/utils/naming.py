from projects.tumor_classifier import PROJECT

SCOPE = "stream"  # one stream of samples, one registered model


def registered_model_name() -> str:
    return PROJECT
