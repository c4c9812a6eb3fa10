from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "linli.services"
    label = "services"
    verbose_name = "便民服务"
