"""API of people and organisations (filled in by the API work)."""


def register(router):
    pass
