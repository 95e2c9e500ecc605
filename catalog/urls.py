urlpatterns = []


def register(router):
    """This app has no router routes yet."""
