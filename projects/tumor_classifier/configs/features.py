from compose.specs import Config

MEASUREMENTS = [
    f"{stat}_{name}"
    for stat in ("mean", "se", "worst")
    for name in (
        "radius",
        "texture",
        "perimeter",
        "area",
        "smoothness",
        "compactness",
        "concavity",
        "concave_points",
        "symmetry",
        "fractal_dimension",
    )
]


class FeatureConfig(Config):
    """The 30 measurements plus three spreads (worst against mean): how uneven the mass is."""

    version: str = "v1"

    @property
    def columns(self) -> list[str]:
        return MEASUREMENTS + ["radius_spread", "area_spread", "concavity_spread"]
