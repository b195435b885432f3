from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "amends.outcomes"
    label = "outcomes"
