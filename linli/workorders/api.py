"""API of work orders under /api/v1/."""

from linli.workorders import api_meetings

extra_urls = [] + api_meetings.extra_urls


def register(router):
    api_meetings.register(router)
