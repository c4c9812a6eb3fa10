"""API of the workorders app under /api/v1/."""

extra_urls = []


def register(router):
    pass
