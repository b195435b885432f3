from django.urls import path

from amends.meetings import views

app_name = "meetings"

urlpatterns = [
    path("cases/<int:case_pk>/meetings/arrange/", views.meeting_arrange, name="arrange"),
    path("meetings/<int:meeting_pk>/", views.meeting_detail, name="detail"),
    path("meetings/<int:meeting_pk>/change/", views.meeting_change, name="change"),
    path("meetings/<int:meeting_pk>/held/", views.meeting_mark_held, name="mark_held"),
    path("meetings/<int:meeting_pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("meetings/<int:meeting_pk>/messages/add/", views.message_add, name="message_add"),
    path("meetings/<int:meeting_pk>/facilitate/", views.facilitate, name="facilitate"),
    path("meetings/<int:meeting_pk>/facilitate/notes/", views.stage_notes_save, name="notes"),
    path(
        "meetings/<int:meeting_pk>/facilitate/actions/",
        views.facilitate_action_add,
        name="facilitate_action_add",
    ),
]
