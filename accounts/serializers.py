from rest_framework import serializers

from accounts.models import Address, User
from catalog.models import Review
from orders.models import Order, OrderStatus, ProductRequest, QuoteRequest, QuoteRequestItem
from orders.serializers import OrderOutputSerializer
from payments.serializers import PaymentOutputSerializer
from shop.serializers import CountryField, MessageSerializer, ModelSerializer, MoneyField, Serializer

# Long enough for any passphrase, short enough that hashing it stays cheap.
PASSWORD_MAX_LENGTH = 4096


def _password_field(**kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=PASSWORD_MAX_LENGTH,
        trim_whitespace=False,
        write_only=True,
        style={"input_type": "password"},
        **kwargs,
    )


# --- Output -------------------------------------------------------------------


class UserSerializer(ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "email_verified", "is_staff", "is_active", "created_at"]
        read_only_fields = fields


class UserSummarySerializer(ModelSerializer):
    """The user as the storefront's login answer shows it."""

    class Meta:
        model = User
        fields = ["id", "email", "name", "email_verified", "is_staff"]
        read_only_fields = fields


class UserOrderSerializer(ModelSerializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices, read_only=True)
    total = MoneyField(read_only=True)

    class Meta:
        model = Order
        fields = ["id", "status", "total", "created_at"]
        read_only_fields = fields


class UserDetailSerializer(UserSerializer):
    orders = UserOrderSerializer(many=True, read_only=True, help_text="The user's orders, newest first.")

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "orders"]
        read_only_fields = fields


class TokenPairSerializer(Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RegisterOutputSerializer(MessageSerializer, TokenPairSerializer):
    user = UserSerializer()


class LoginOutputSerializer(MessageSerializer, TokenPairSerializer):
    token = serializers.CharField(help_text="The access token again, for the storefront.")
    user = UserSummarySerializer()


class PasswordChangedOutputSerializer(MessageSerializer, TokenPairSerializer):
    pass


class ProfileOutputSerializer(Serializer):
    user = UserSerializer()


class UserUpdatedOutputSerializer(MessageSerializer):
    user = UserSerializer()


# --- Input --------------------------------------------------------------------


class RegisterInputSerializer(Serializer):
    email = serializers.EmailField(max_length=254)
    password = _password_field()
    name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")


class LoginInputSerializer(Serializer):
    email = serializers.CharField(max_length=254)
    password = _password_field()


class RefreshInputSerializer(Serializer):
    refresh = serializers.CharField(
        required=False, allow_blank=True, help_text="Optional when the `refresh_token` cookie is sent."
    )


_CURRENT_PASSWORD_HELP = "Required when the account's owner changes their own password or email."


class ProfileInputSerializer(Serializer):
    email = serializers.EmailField(max_length=254, required=False)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    current_password = _password_field(required=False, help_text=_CURRENT_PASSWORD_HELP)


class PasswordChangeInputSerializer(Serializer):
    current_password = _password_field()
    new_password = _password_field()


class UserListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, help_text="Part of the email or the name.")
    is_staff = serializers.BooleanField(required=False, allow_null=True, default=None)


class UserCreateInputSerializer(RegisterInputSerializer):
    is_staff = serializers.BooleanField(required=False, default=False)


class UserUpdateInputSerializer(Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    password = _password_field(required=False)
    current_password = _password_field(required=False, help_text=_CURRENT_PASSWORD_HELP)
    # default=None also for form posts, where DRF would read a missing boolean as false.
    is_staff = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Superusers only; ignored otherwise."
    )
    is_active = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text="Superusers only; ignored otherwise."
    )


# --- Password reset, email verification ----------------------------------------


class PasswordResetInputSerializer(Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmInputSerializer(Serializer):
    uid = serializers.CharField(max_length=64, help_text="The `uid` parameter of the mailed link.")
    token = serializers.CharField(max_length=128, help_text="The `token` parameter of the mailed link.")
    new_password = _password_field()


class EmailVerifyInputSerializer(Serializer):
    uid = serializers.CharField(max_length=64, help_text="The `uid` parameter of the mailed link.")
    token = serializers.CharField(max_length=128, help_text="The `token` parameter of the mailed link.")


class EmailVerifiedOutputSerializer(MessageSerializer):
    user = UserSerializer()


# --- Address book -------------------------------------------------------------


class AddressSerializer(ModelSerializer):
    """An address of the book as read and written; on PATCH every field is optional."""

    country = CountryField(help_text="ISO 3166-1 alpha-2 code, e.g. FR.")

    class Meta:
        model = Address
        fields = ["id", "full_name", "address", "city", "postal_code", "country", "phone", "is_default"]
        read_only_fields = ["id"]
        extra_kwargs = {"postal_code": {"default": ""}, "phone": {"default": ""}, "is_default": {"default": False}}


# --- Data export --------------------------------------------------------------


class ExportAccountSerializer(UserSerializer):
    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "last_login"]
        read_only_fields = fields


class ExportOrderSerializer(OrderOutputSerializer):
    payments = PaymentOutputSerializer(many=True, read_only=True)

    class Meta(OrderOutputSerializer.Meta):
        fields = [*OrderOutputSerializer.Meta.fields, "payments"]


class ExportReviewSerializer(ModelSerializer):
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = Review
        fields = ["id", "product_id", "product_name", "rating", "comment", "created_at"]
        read_only_fields = fields


class ExportQuoteItemSerializer(ModelSerializer):
    class Meta:
        model = QuoteRequestItem
        fields = ["product_id", "product_name", "product_slug", "unit_price", "quantity"]
        read_only_fields = fields


_INQUIRY_FIELDS = ["id", "status", "full_name", "email", "phone", "country", "city"]


class ExportQuoteRequestSerializer(ModelSerializer):
    items = ExportQuoteItemSerializer(many=True, read_only=True)

    class Meta:
        model = QuoteRequest
        fields = [*_INQUIRY_FIELDS, "address", "message", "items", "quoted_at", "created_at"]
        read_only_fields = fields


class ExportProductRequestSerializer(ModelSerializer):
    # The model's URLField would be documented as a URI, which the stored "" is not.
    reference_url = serializers.CharField(help_text='The reference URL given, or "" when none.')

    class Meta:
        model = ProductRequest
        fields = [
            *_INQUIRY_FIELDS,
            "company",
            "description",
            "quantity",
            "desired_deadline",
            "budget",
            "reference_url",
            "file_url",
            "answered_at",
            "created_at",
        ]
        read_only_fields = fields


class ProfileExportSerializer(Serializer):
    """Everything the shop holds about the caller (GDPR's right of access), as one document."""

    exported_at = serializers.DateTimeField()
    account = ExportAccountSerializer()
    addresses = AddressSerializer(many=True)
    orders = ExportOrderSerializer(many=True, help_text="Newest first, with items and payments.")
    reviews = ExportReviewSerializer(many=True)
    quote_requests = ExportQuoteRequestSerializer(many=True, help_text="Made with the account's email.")
    product_requests = ExportProductRequestSerializer(many=True, help_text="Made with the account's email.")
