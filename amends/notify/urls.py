from django.urls import path

from amends.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.message_templates, name="list"),
    path("<slug:kind>/<slug:language>/", views.message_template_edit, name="edit"),
]

# Public, reached from e-mails sent through GOV.UK Notify (amends/urls.py mounts it).
calendar_urlpatterns = [
    path("<str:token>.ics", views.calendar_link, name="event"),
]
