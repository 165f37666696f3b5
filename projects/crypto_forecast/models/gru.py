"""A small GRU regressor over windows of scaled features, trained with early stopping on validation."""

import copy

import numpy as np
import torch
from torch import nn

from projects.crypto_forecast.configs.model import GRUModel


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


def fit_gru(
    train_x: np.ndarray, train_y: np.ndarray, valid_x: np.ndarray, valid_y: np.ndarray, config: GRUModel, seed: int
) -> GRURegressor:
    """Adam on MSE; keeps the weights of the epoch with the lowest validation loss."""
    torch.manual_seed(seed)
    torch.set_num_threads(config.threads)
    scale = float(np.std(train_y)) or 1.0
    model = GRURegressor(train_x.shape[2], config.hidden_size, scale)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    loss_fn = nn.MSELoss()
    tx, ty = torch.from_numpy(train_x).float(), torch.from_numpy(train_y / scale).float()
    vx, vy = torch.from_numpy(valid_x).float(), torch.from_numpy(valid_y / scale).float()
    generator = torch.Generator().manual_seed(seed)

    best_loss, best_state, stale_epochs = float("inf"), copy.deepcopy(model.state_dict()), 0
    for _ in range(config.epochs):
        model.train()
        for batch in torch.randperm(len(tx), generator=generator).split(config.batch_size):
            optimiser.zero_grad()
            loss_fn(model(tx[batch]), ty[batch]).backward()
            optimiser.step()
        model.eval()
        with torch.no_grad():
            valid_loss = loss_fn(model(vx), vy).item()
        if valid_loss < best_loss:
            best_loss, best_state, stale_epochs = valid_loss, copy.deepcopy(model.state_dict()), 0
        else:
            stale_epochs += 1
            if stale_epochs >= config.patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    return model


def predict_gru(model: GRURegressor, windows: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Log-return forecasts, `chunk` windows at a time (all at once would hold every hidden state in memory)."""
    out = np.empty(len(windows))
    with torch.no_grad():
        for start in range(0, len(windows), chunk):
            batch = torch.from_numpy(windows[start : start + chunk]).float()
            out[start : start + chunk] = (model(batch) * model.target_scale).numpy()
    return out
