from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for the README's first command: people, a title, portfolios."""

    name = "certifolio.demo"
    label = "demo"
