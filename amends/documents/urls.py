from django.urls import path

from amends.documents import views

app_name = "documents"

urlpatterns = [
    path("<int:case_pk>/documents/add/", views.document_add, name="add"),
    path("<int:case_pk>/documents/<int:document_pk>/", views.document_download, name="download"),
    path("<int:case_pk>/documents/<int:document_pk>/remove/", views.document_remove, name="remove"),
]
