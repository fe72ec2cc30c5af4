"""Included at the site root (before Wagtail's catch-all), so cadre history can live under /me/."""

from django.urls import path

from quizzes import views

app_name = "quizzes"

urlpatterns = [
    path("me/quizzes/", views.my_quizzes, name="mine"),
    path("quizzes/<int:quiz_id>/", views.quiz_detail, name="detail"),
    path("quizzes/<int:quiz_id>/start", views.attempt_start, name="start"),
    path("quizzes/attempts/<int:attempt_id>/", views.attempt_take, name="attempt"),
    path("quizzes/attempts/<int:attempt_id>/submit", views.attempt_submit, name="submit"),
    path("quizzes/attempts/<int:attempt_id>/result", views.attempt_result, name="result"),
    path("api/v1/quiz-attempts/<int:attempt_id>/answers", views.api_answer_save, name="api-answer"),
    path("api/v1/quiz-attempts/<int:attempt_id>", views.api_attempt_status, name="api-status"),
]
