"""Conformance harness: suites of checks over a facility's recorded attempts, reports, demo facility."""
