"""/api/v1/ endpoints of the dashboard (found by linli/api_urls.py through this module): the overview's figures
(api_overview) and the assessment's scores and weights (api_assessment)."""

from linli.dashboard import api_assessment, api_overview

PARTS = (api_assessment, api_overview)
extra_urls = [url for part in PARTS for url in getattr(part, "extra_urls", [])]


def register(router):
    for part in PARTS:
        part.register(router)
