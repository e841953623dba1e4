from django.urls import path

from resolutions import search_views

urlpatterns = [
    path("search/", search_views.search, name="search"),
]
