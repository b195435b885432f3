from django.apps import AppConfig


class WelshConfig(AppConfig):
    name = "amends.welsh"
    verbose_name = "Welsh and English"
