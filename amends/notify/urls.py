from django.urls import path

from amends.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.message_templates, name="list"),
    path("<slug:kind>/<slug:language>/", views.message_template_edit, name="edit"),
]
