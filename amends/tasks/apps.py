from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "amends.tasks"
    label = "amends_tasks"
    verbose_name = "Background work"
