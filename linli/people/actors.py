"""The system actor lives in core (``linli.core.actors``) so that the apps below people can name it too."""

from linli.core.actors import SYSTEM_USERNAME, is_system, system_actor, system_memo  # noqa: F401
