from django.apps import AppConfig


class AssemblyConfig(AppConfig):
    name = "linli.assembly"
    verbose_name = "业主共同决定"
    demo = "linli.assembly.demo.load"  # its part of `linli demo` (linli.core.demo)

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from linli.core.nav import NavItem, register

        register(NavItem(_("业主共同决定"), "assembly:index", lambda scope, user: scope.is_member, order=40))
