from projects.crypto_forecast import PROJECT


def registered_model_name(market: str) -> str:
    """One registered model per project and market, e.g. crypto_forecast-KRW-BTC."""
    return f"{PROJECT}-{market}"
