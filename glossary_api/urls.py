from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from terms.api.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("terms.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="schema"),
        name="docs",
    ),
    path("healthz", healthz, name="healthz"),
]

handler400 = "terms.api.errors.bad_request"
handler404 = "terms.api.errors.not_found"
handler500 = "terms.api.errors.server_error"
