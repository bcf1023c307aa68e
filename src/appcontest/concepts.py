"""Conceptual shapes drawn as figures. These are illustrations of an idea, not data.

The "smile curve" (attributed to Acer's founder Stan Shih in the early 1990s) says that
in electronics the stages at both ends of the value chain (research, design, branding;
distribution, marketing, service) capture more value than fabrication and assembly in
the middle. The curve here is a parabola through stage positions: its height has no
unit and no measured value behind it.
"""

from __future__ import annotations

import pandas as pd

# Stages of the value chain, left to right; the labels follow the usual telling.
SMILE_STAGES = [
    "Research and development",
    "Design",
    "Components",
    "Manufacturing and assembly",
    "Distribution",
    "Marketing and brand",
    "Services",
]


def smile_curve(points_per_stage: int = 10) -> pd.DataFrame:
    """Points of an illustrative smile curve: columns position, value (0-1, no unit), stage."""
    if points_per_stage < 1:
        raise ValueError(f"points_per_stage must be at least 1, got {points_per_stage}")
    last = len(SMILE_STAGES) - 1
    middle = last / 2
    steps = last * points_per_stage
    rows = []
    for i in range(steps + 1):
        x = i / points_per_stage
        rows.append({"position": x, "value": ((x - middle) / middle) ** 2 * 0.8 + 0.2})
    frame = pd.DataFrame(rows)
    frame["stage"] = [SMILE_STAGES[round(x)] if abs(x - round(x)) < 1e-9 else "" for x in frame["position"]]
    return frame
