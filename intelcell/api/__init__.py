"""The HTTP API (FastAPI). ``create_app`` in ``app.py`` is the one composition root."""
