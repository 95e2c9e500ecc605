from shop.jobs import views

urlpatterns = []


def register(router):
    router.register("jobs", views.JobViewSet, basename="job")
