from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "amends.exports"
    verbose_name = "Exports"
