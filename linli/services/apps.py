from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "linli.services"
    label = "services"
    verbose_name = "便民服务"
    demo = "linli.services.demo.load"  # its part of `linli demo` (linli.core.demo)
