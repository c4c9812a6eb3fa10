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

        from django.utils.translation import gettext_lazy as _

        from linli.core.nav import NavItem, register
        from linli.people.permissions import DESK_ROLES

        # Households and the walk-in desk (issue 18, docs/sign-in.md).
        register(NavItem(_("家庭成员"), "people:household", lambda scope, user: bool(scope.home_ids), order=24))
        register(NavItem(_("登记居民"), "people:desk_register", lambda scope, user: bool(scope.roles & DESK_ROLES),
                         order=16, on_home=False))
        # Bodies and posts, cross-posting (issue 19, docs/linkage.md).
        # Staff in the bar; committee members from their desk; residents from their estate's public board.
        register(NavItem(_("组织与任职"), "people:body_list", lambda scope, user: scope.is_staff_member, order=42,
                         on_home=False))
