import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
application = get_wsgi_application()

# Imported after the app is set up: it reads the settings.
from shop.cache import shared_cache_warning  # noqa: E402

shared_cache_warning()
