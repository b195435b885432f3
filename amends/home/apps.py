from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "amends.home"
    verbose_name = "Home pages and calendar feeds"
