"""The facilities' part of `linli demo` (linli.core.demo)."""


def load(*args, **kwargs):
    from linli.facilities import demo_rounds

    demo_rounds.load(*args, **kwargs)
