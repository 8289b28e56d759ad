"""Locust suite: the end-of-day submission peak (finished episodes, guiHoSoXmlQD3176).

    locust -f loadtests/end_of_day.py --host http://127.0.0.1:8000 --headless   (or skdt-sandbox load end_of_day)
"""
from loadtests import checks  # noqa: F401 - thresholds
from loadtests.shapes import PeakShape
from loadtests.users import SubmissionUser, configure

configure("facility")


class EndOfDay(PeakShape):
    """The plan's peak, ramped."""


__all__ = ["SubmissionUser", "EndOfDay"]
