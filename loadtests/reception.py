"""Locust suite: the morning reception peak (card look-ups and check-ins).

    locust -f loadtests/reception.py --host http://127.0.0.1:8000 --headless   (or skdt-sandbox load reception)
"""
from loadtests import checks  # noqa: F401 - thresholds
from loadtests.shapes import PeakShape
from loadtests.users import ReceptionUser, configure

configure("facility")


class Reception(PeakShape):
    """The plan's peak, ramped."""


__all__ = ["ReceptionUser", "Reception"]
