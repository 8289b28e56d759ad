"""ASGI entry point for uvicorn/gunicorn: ``gunicorn sandbox.asgi:app -k sandbox.serving.Worker``."""

from .app import create_app

app = create_app()
