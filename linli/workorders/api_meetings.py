"""API of joint meetings and rates; registered by linli/workorders/api.py."""

extra_urls = []


def register(router):
    pass
