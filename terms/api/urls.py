from django.urls import path
from rest_framework.routers import DefaultRouter

from . import citations, preview, sync, views

app_name = "api"

router = DefaultRouter()
router.register("terms", views.TermViewSet, basename="term")
router.register("sources", views.SourceViewSet, basename="source")
router.register("categories", views.CategoryViewSet, basename="category")

urlpatterns = [
    path("index/", views.IndexView.as_view(), name="index"),
    path("index/<str:letter>/", views.IndexLetterView.as_view(), name="index-letter"),
    path("autocomplete/", views.AutocompleteView.as_view(), name="autocomplete"),
    path("sync/", sync.SyncView.as_view(), name="sync"),
    path("preview/", preview.PreviewView.as_view(), name="preview"),
    path(
        "terms/<slug:slug>/citations/",
        citations.TermCitationsView.as_view(),
        name="term-citations",
    ),
    *router.urls,
]
