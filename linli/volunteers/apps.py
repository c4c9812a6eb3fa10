from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "linli.volunteers"
    verbose_name = "志愿服务"

    def ready(self):
        from linli.core.nav import NavItem, register

        register(NavItem("志愿服务", "volunteers:me", lambda scope, user: scope.is_member, order=60))
        register(NavItem("微心愿", "volunteers:wish_pool", lambda scope, user: scope.is_member, order=61))
