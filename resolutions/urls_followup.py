"""followup pages (included by resolutions/urls.py)."""

from django.urls import path

from resolutions import followup_views

urlpatterns: list = [
    path("bodies/<int:pk>/referrals/", followup_views.referral_queue, name="referral_queue"),
    path("bodies/<int:pk>/referrals/sent/", followup_views.referrals_sent, name="referrals_sent"),
    path("referrals/<int:pk>/place/", followup_views.referral_place, name="referral_place"),
    path("bodies/<int:pk>/overdue/", followup_views.overdue_list, name="overdue_list"),
]
