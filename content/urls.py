from content.views import BlogPostViewSet

urlpatterns = []


def register(router):
    router.register("blogs", BlogPostViewSet, basename="blog")
