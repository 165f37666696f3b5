"""Helpers of tumor_classifier. `load_spec_from_config` is the one every project must provide."""

from projects.tumor_classifier.utils.spec import load_spec_from_config

__all__ = ["load_spec_from_config"]
