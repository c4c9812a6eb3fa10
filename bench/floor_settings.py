"""Settings of the bench's gunicorn only: Linli's settings with one more URL, the floor (bench/floor_urls.py).

Production never loads this module, so the floor view is not reachable there."""

from linli.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor_urls"
