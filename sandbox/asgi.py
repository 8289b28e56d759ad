"""ASGI entry point for uvicorn/gunicorn: ``gunicorn sandbox.asgi:app -k uvicorn_worker.UvicornWorker``."""

from .app import create_app

app = create_app()
