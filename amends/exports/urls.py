from django.urls import path

from amends.exports import views

app_name = "exports"

urlpatterns = [
    path("<int:export_pk>/", views.export_detail, name="detail"),
    path("<int:export_pk>/progress/", views.export_progress, name="progress"),
    path("<int:export_pk>/download/", views.export_download, name="download"),
    path("<int:export_pk>/again/", views.export_again, name="again"),
]
