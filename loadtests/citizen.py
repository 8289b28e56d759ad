"""Locust suite: citizens reading their health book on VNeID (half the facility peak by default).

    locust -f loadtests/citizen.py --host http://127.0.0.1:8000 --headless   (or skdt-sandbox load citizen)
"""
from loadtests import checks  # noqa: F401 - thresholds
from loadtests.shapes import PeakShape
from loadtests.users import CitizenUser, configure

configure("facility")


class CitizenReads(PeakShape):
    """The plan's peak, ramped."""
    factor = 0.5


__all__ = ["CitizenUser", "CitizenReads"]
