"""Shared test configuration."""

import os

from hypothesis import HealthCheck, settings

# Property tests are derandomised under CI so that a run is reproducible;
# locally they explore new examples each run.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, max_examples=60)
settings.load_profile("ci" if os.environ.get("CI") else "dev")
