"""Training and the gate against a real `mlflow server` (the team stack's setup: the server proxies artifacts to
its own store), not only a local store: a tracking server checks what a local store lets pass (a logged
model's version must name its model id)."""

from mlflow import MlflowClient

from lifecycle import stages
from projects.crypto_forecast.run import PROJECT


def test_train_registers_and_promotes_through_a_tracking_server(database, tracking_server, tmp_path):
    example = PROJECT.spec("smoke").example
    stages.data(PROJECT, example.data_start, example.end, config="smoke")
    summary = stages.train(PROJECT, end=example.train_end, config="smoke")

    assert summary["decision"] == "promoted"
    url = tracking_server.health_url.removesuffix("/health")
    champion = MlflowClient(tracking_uri=url).get_model_version_by_alias(summary["model"], "champion")
    assert str(champion.version) == summary["version"]
    assert list((tmp_path / "artifacts").rglob("MLmodel")), "the model files went to the server's artifact store"
    assert stages.inference(PROJECT, example.train_end, example.end, config="smoke")["rows_written"] > 0
