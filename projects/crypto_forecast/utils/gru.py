"""A small GRU regressor over windows of scaled features, trained with early stopping on validation."""

import copy
import logging
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from projects.crypto_forecast.configs import GRUModel

log = logging.getLogger(__name__)


class GRURegressor(nn.Module):
    """Predicts the target in units of `target_scale` (the training targets' spread), so the loss is O(1)
    even though hourly log returns are O(1e-3)."""

    def __init__(self, n_features: int, hidden_size: int, target_scale: float) -> None:
        super().__init__()
        self.gru = nn.GRU(n_features, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)
        self.register_buffer("target_scale", torch.tensor(target_scale))

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        """Scaled prediction; multiply by target_scale for the log return."""
        _, last_hidden = self.gru(windows)
        return self.head(last_hidden[-1]).squeeze(-1)

    def forecast(self, windows: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """Log-return forecasts, `chunk` windows at a time (all at once would hold every hidden state in memory)."""
        out = np.empty(len(windows))
        with torch.no_grad():
            for start in range(0, len(windows), chunk):
                batch = torch.from_numpy(windows[start : start + chunk]).float()
                out[start : start + chunk] = (self(batch) * self.target_scale).numpy()
        return out


def train_gru(
    train_x: np.ndarray,
    train_y: np.ndarray,
    valid_x: np.ndarray,
    valid_y: np.ndarray,
    config: GRUModel,
    seed: int,
    report: Callable[[int, float], None],
) -> tuple[GRURegressor, list[dict[str, float]], int]:
    """Adam on MSE. With validation rows: keeps the epoch with the lowest validation loss (early stopping after
    `patience` worse epochs) and reports each epoch's loss; without (a refit): trains `config.epochs` epochs.
    Returns the model, the per-epoch losses, and the epoch kept."""
    torch.manual_seed(seed)
    torch.set_num_threads(config.threads)
    scale = float(np.std(train_y)) or 1.0
    model = GRURegressor(train_x.shape[2], config.hidden_size, scale)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    loss_fn = nn.MSELoss()
    tx, ty = torch.from_numpy(train_x).float(), torch.from_numpy(train_y / scale).float()
    vx, vy = torch.from_numpy(valid_x).float(), torch.from_numpy(valid_y / scale).float()
    generator = torch.Generator().manual_seed(seed)
    validating = len(vx) > 0

    history, best_loss, best_epoch, best_state = [], float("inf"), 0, copy.deepcopy(model.state_dict())
    for epoch in range(1, config.epochs + 1):
        model.train()
        losses = []
        for batch in torch.randperm(len(tx), generator=generator).split(config.batch_size):
            optimiser.zero_grad()
            loss = loss_fn(model(tx[batch]), ty[batch])
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
        model.eval()
        scores = {"train_loss": float(np.mean(losses))}
        if validating:
            with torch.no_grad():
                scores["validation_loss"] = loss_fn(model(vx), vy).item()
        history.append(scores)
        log.info("GRU epoch %d/%d: %s", epoch, config.epochs, ", ".join(f"{k} {v:.4f}" for k, v in scores.items()))
        current = scores.get("validation_loss", -epoch)  # without validation, the last epoch is the one kept
        if current < best_loss:
            best_loss, best_epoch, best_state = current, epoch, copy.deepcopy(model.state_dict())
        elif epoch - best_epoch >= config.patience:
            break
        if validating:
            report(epoch, scores["validation_loss"])
    model.load_state_dict(best_state)
    model.eval()
    return model, history, best_epoch
