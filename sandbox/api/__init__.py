"""Thin connexion handlers, one module per spec."""
