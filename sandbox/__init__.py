"""Sandbox of Vietnam's e-health data chain: BHXH gateway, Sổ SKĐT and VNeID simulators."""

__version__ = "0.1.0"
