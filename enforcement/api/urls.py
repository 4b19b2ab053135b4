from rest_framework.routers import SimpleRouter

from .views import CaseViewSet, CategoryViewSet

router = SimpleRouter()
router.register("categories", CategoryViewSet, basename="category")
router.register("cases", CaseViewSet, basename="case")

urlpatterns = router.urls
