from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo on top of the house: it may import every app, and no app imports it."""

    name = "gongjiang.demo"
    label = "demo"
