from django.urls import path

from amends.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.imports, name="list"),
    path("new/<str:kind>/", views.import_new, name="new"),
    path("<int:import_pk>/", views.import_detail, name="detail"),
    path("<int:import_pk>/columns/", views.import_columns, name="columns"),
    path("<int:import_pk>/save/", views.import_save, name="save"),
    path("<int:import_pk>/start-again/", views.import_start_again, name="start_again"),
    path("<int:import_pk>/progress/", views.import_progress, name="progress"),
]
