from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "linli.people"
    verbose_name = "人员与组织"
    # `linli demo` (linli.core.demo) starts with the street and ends with the login table.
    demo = "linli.people.demo.load"
    demo_done = "linli.people.demo.print_logins"

    def ready(self):
        from linli.core.access import provide_scopes
        from linli.people.scopes import scope_for

        # Core and places ask linli.core.access.scope_for(user); the rule lives here, above them.
        provide_scopes(scope_for)
