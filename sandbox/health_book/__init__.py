"""Sổ sức khỏe điện tử: extraction from accepted episodes, the 24-hour display clock, the citizen's book."""
