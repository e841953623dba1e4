from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
]
