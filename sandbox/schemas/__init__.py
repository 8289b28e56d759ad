"""XSD profiles (QD130, QD4750, QD3176) derived from the one machine-readable field table."""
