from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "certifolio.api"
    verbose_name = "API"
