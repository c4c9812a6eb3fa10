from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The leaders' overview (issue 17): figures, rankings (考核), charts, reports and exports. It reads every app
    below it and writes only its own tables (monthly scores, assessment weights)."""

    name = "linli.dashboard"
    verbose_name = "总览与考核"
    # After every other app's demo and year of history (it is the last app): the daily summary rebuilt and the
    # demo district's past months scored and frozen.
    demo_history = "linli.dashboard.demo_history.load"

    def ready(self):
        # Each part registers its own links, jobs and hooks here, in its own module's `ready()` function.
        from linli.dashboard.views import assessment, overview, reports

        for part in (overview, assessment, reports):
            part.ready()
