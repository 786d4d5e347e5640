"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`."""
import gc

from webapp import create_app

app = create_app()
# What start-up built (~200,000 objects) lives as long as the process: leaving it out of the collector's full
# passes spares each worker a ~0.1 s pause every few sync batches (bench/sync.py).
gc.freeze()
