"""API of facilities under /api/v1/: each part registers its own viewsets (inspection rounds: api_rounds.py)."""

from linli.facilities import api_rounds

extra_urls = []


def register(router):
    api_rounds.register(router)
