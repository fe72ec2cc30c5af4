from django.urls import path

from postings import views

urlpatterns = [
    path("", views.my_village, name="my-village"),
    path("check-in/", views.check_in, name="village-check-in"),
    path("leave/", views.leave_request, name="village-leave"),
]
