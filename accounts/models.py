from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django_countries.fields import CountryField


def normalize_email(email: str) -> str:
    """Emails are stored lower-cased, so equality and the unique index ignore case on every database."""
    return email.strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email):
        return self.get(email=normalize_email(email))

    def create_user(self, email, password=None, **fields):
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    # Set by the link mailed at sign-up and after every email change (REQUIRE_VERIFIED_EMAIL).
    email_verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = normalize_email(self.email)


class RefreshTokenRotation(models.Model):
    """A refresh token consumed by a refresh, as opposed to one revoked by a logout or a password change.

    Both end up blacklisted; only a rotated token presented again means a copy of it
    was stolen, which revokes every session of the account.
    """

    token = models.OneToOneField(
        "token_blacklist.OutstandingToken", on_delete=models.CASCADE, primary_key=True, related_name="rotation"
    )
    rotated_at = models.DateTimeField(auto_now_add=True)
    # The pair this rotation issued, handed out again to a second presentation within
    # JWT_REFRESH_REUSE_SECONDS. Kept in clear as simplejwt keeps every refresh token
    # (OutstandingToken.token): whoever reads this table reads those anyway.
    successor = models.OneToOneField(
        "token_blacklist.OutstandingToken", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    successor_access = models.TextField(blank=True, default="")

    def __str__(self):
        return f"Rotation of token {self.token_id}"


class Address(models.Model):
    """A shipping address of the customer's address book; an order copies it, so editing it changes no order."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    full_name = models.CharField(max_length=150)
    address = models.CharField(max_length=300)
    city = models.CharField(max_length=120)
    postal_code = models.CharField(max_length=20, blank=True)
    country = CountryField()
    phone = models.CharField(max_length=40, blank=True)
    # At most one per user: accounts.services.addresses serialises writes on the user's row, as
    # MariaDB has no partial unique index to say it.
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "id"]
        indexes = [models.Index(fields=["user", "id"], name="address_user")]

    def __str__(self):
        return f"{self.full_name}, {self.address}, {self.city}"
