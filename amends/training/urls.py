from django.urls import path

from amends.training import views

app_name = "training"

urlpatterns = [
    # Staff: trainers and coordinators.
    path("training/", views.overview, name="overview"),
    path("training/programmes/set-up/", views.programmes_set_up, name="programmes_set_up"),
    path(
        "training/programmes/<int:programme_pk>/edit/", views.programme_edit, name="programme_edit"
    ),
    path(
        "training/programmes/<int:programme_pk>/courses/add/", views.course_add, name="course_add"
    ),
    path("training/courses/<int:course_pk>/", views.course_detail, name="course_detail"),
    path("training/courses/<int:course_pk>/edit/", views.course_edit, name="course_edit"),
    path("training/courses/<int:course_pk>/cohorts/add/", views.cohort_add, name="cohort_add"),
    path("training/cohorts/<int:cohort_pk>/", views.cohort_detail, name="cohort_detail"),
    path("training/cohorts/<int:cohort_pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("training/cohorts/<int:cohort_pk>/enrol/", views.enrol, name="enrol"),
    path("training/cohorts/<int:cohort_pk>/results/", views.results, name="results"),
    path("training/days/<int:cohortday_pk>/register/", views.register, name="register"),
    path(
        "training/enrolments/<int:enrolment_pk>/", views.enrolment_detail, name="enrolment_detail"
    ),
    path(
        "training/enrolments/<int:enrolment_pk>/result/",
        views.enrolment_result,
        name="enrolment_result",
    ),
    path("training/enrolments/<int:enrolment_pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "training/certificates/<int:certificate_pk>/certificate.pdf",
        views.certificate_download,
        name="certificate_pdf",
    ),
    path(
        "training/certificates/<int:certificate_pk>/revoke/",
        views.certificate_revoke,
        name="certificate_revoke",
    ),
    path("training/figures/", views.figures, name="figures"),
    path("training/figures.csv", views.figures_csv, name="figures_csv"),
    # Public: no sign-in.
    path("programmes/", views.programmes_public, name="programmes_public"),
    path("programmes/<slug:sector>/", views.programme_public, name="programme_public"),
    path("certificates/check/", views.certificate_check, name="certificate_check"),
    path("training/offers/<str:token>/", views.offer, name="offer"),
]
