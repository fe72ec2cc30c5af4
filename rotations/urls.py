from django.urls import path

from rotations import views

app_name = "rotations"
urlpatterns = [
    path("me/", views.my_rotation, name="mine"),
    path("checkin/", views.checkin, name="checkin"),
    path("seats/<int:seat_id>/leave/", views.leave_request, name="leave"),
]
