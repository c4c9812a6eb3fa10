from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "linli.people"
    verbose_name = "人员与组织"
