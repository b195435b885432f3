from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "amends.imports"
    verbose_name = "Imports"
