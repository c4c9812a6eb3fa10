"""Periodic jobs, declared by the apps that own them and run by ``linli worker``.

    class CareConfig(AppConfig):
        schedule = (Job("逾期探访提醒", "linli.care.services.notify_overdue", every=24 * 3600),)

A job is a function that takes no argument and is safe to run twice (two workers may run it at the same time);
the worker runs each job when ``every`` seconds have passed since it last ran, and prints its result.
"""

from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class Job:
    name: str  # what the worker prints before the result
    func: str  # dotted path of the function
    every: int  # seconds between runs


def jobs() -> list[Job]:
    """Every installed app's jobs, in INSTALLED_APPS order."""
    return [job for config in apps.get_app_configs() for job in getattr(config, "schedule", ())]


def due(all_jobs: list[Job], last_run: dict[str, float], now: float) -> list[Job]:
    """The jobs whose period has passed (or that never ran)."""
    return [job for job in all_jobs if job.func not in last_run or now - last_run[job.func] >= job.every]
