"""Locust load suites: the morning reception peak, the end-of-day submission peak, the month-end rush
and citizens reading their health book on VNeID, with pass / fail thresholds (README "Load suites")."""
