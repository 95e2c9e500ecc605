import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from accounts.models import normalize_email

DEFAULT_ADMIN_EMAIL = "admin@example.com"


class Command(BaseCommand):
    help = "Create or update a superuser from ADMIN_EMAIL / ADMIN_PASSWORD (a random password when unset)."

    def handle(self, *args, **options):
        User = get_user_model()
        email = normalize_email(settings.ADMIN_EMAIL or DEFAULT_ADMIN_EMAIL)
        password = settings.ADMIN_PASSWORD
        user = User.objects.filter(email=email).first()

        if user and not password:
            self.stdout.write(
                f"Admin {email} already exists; its password is unchanged. "
                "To set a new one: ADMIN_EMAIL=... ADMIN_PASSWORD=... python manage.py ensure_admin"
            )
            return

        generated = not password
        password = password or secrets.token_urlsafe(12)
        if user is None:
            user = User(email=email, name="Admin")
        user.is_staff = user.is_superuser = user.is_active = True
        user.set_password(password)
        user.save()

        self.stdout.write(self.style.SUCCESS(f"Admin login for /admin/: {email}"))
        if generated:
            self.stdout.write(self.style.SUCCESS(f"Password: {password}"))
        else:
            self.stdout.write("Password: the one in ADMIN_PASSWORD")
