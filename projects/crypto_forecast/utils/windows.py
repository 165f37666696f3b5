import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def trailing_windows(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """For each row i, rows i-window+1 .. i of a (rows, features) array, and whether that window is usable.

    Rows without `window - 1` rows before them, or with a NaN anywhere in their window, are not usable.
    Returns (windows of shape (rows, window, features), usable mask of shape (rows,)).
    """
    rows, width = values.shape
    padded = np.vstack([np.full((window - 1, width), np.nan), values])
    windows = sliding_window_view(padded, window, axis=0).transpose(0, 2, 1)
    usable = ~np.isnan(windows).any(axis=(1, 2))
    return windows, usable
