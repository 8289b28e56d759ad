"""Locust suite: the month-end rush — 1.5× the submission peak, one envelope in ten a long inpatient
stay (1 500 drug lines, several MB).

    locust -f loadtests/month_end.py --host http://127.0.0.1:8000 --headless   (or skdt-sandbox load month_end)
"""
from loadtests import checks  # noqa: F401 - thresholds
from loadtests.shapes import PeakShape
from loadtests.users import SubmissionUser, configure

configure("facility", large_share=0.1)


class MonthEnd(PeakShape):
    """The plan's peak, ramped."""
    factor = 1.5


__all__ = ["SubmissionUser", "MonthEnd"]
