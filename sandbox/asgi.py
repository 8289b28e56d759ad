"""ASGI entry point for uvicorn/gunicorn: ``gunicorn sandbox.asgi:app -k sandbox.serving.Worker``.

Each web process loads the code lists its first calls would otherwise load (vietnam-provinces takes
about a second on a 2-core machine), so a HIS's first card look-up is not the one that waits."""

from .app import create_app
from .reference.codelists import provinces

app = create_app()
provinces()
