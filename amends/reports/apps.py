from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "amends.reports"
    label = "reports"
