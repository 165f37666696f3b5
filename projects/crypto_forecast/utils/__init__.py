"""Helpers of crypto_forecast. `load_spec_from_config` is the one every project must provide."""

from projects.crypto_forecast.utils.spec import load_spec_from_config

__all__ = ["load_spec_from_config"]
