from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("terms", views.TermViewSet, basename="term")

urlpatterns = router.urls
