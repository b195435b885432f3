from django.urls import path

from amends.home import views

app_name = "home"

# The front door keeps its long-standing names, core:home and core:dashboard
# (amends/urls.py serves these under the core namespace).
front_door = [
    path("", views.start, name="home"),
    path("home/", views.dashboard, name="dashboard"),
]

urlpatterns = [
    path("home/week/", views.week, name="week"),
    path("home/calendar/", views.calendar_settings, name="calendar"),
    path("home/calendar/new-address/", views.calendar_issue, name="calendar_issue"),
    path("home/calendar/turn-off/", views.calendar_turn_off, name="calendar_turn_off"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
