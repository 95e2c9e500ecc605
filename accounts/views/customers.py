"""Password reset, email verification, the address book and the data export (`/api/auth/...`)."""

from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from accounts import selectors
from accounts.models import Address
from accounts.serializers import (
    AddressSerializer,
    EmailVerifiedOutputSerializer,
    EmailVerifyInputSerializer,
    PasswordResetConfirmInputSerializer,
    PasswordResetInputSerializer,
    ProfileExportSerializer,
)
from accounts.services import email_verification_send
from accounts.services.addresses import address_create, address_delete, address_update
from accounts.services.recovery import email_verify, password_reset_confirm, password_reset_request
from accounts.throttling import PasswordResetEmailThrottle, PasswordResetThrottle
from accounts.views import PublicAuthView
from shop.permissions import IsAuthenticated
from shop.serializers import MessageSerializer, NoFieldsSerializer
from shop.throttles import SettingsScopedRateThrottle

RESET_SENT = "If this email is registered, a reset link has been sent."


class PasswordResetView(PublicAuthView):
    throttle_classes = [*PublicAuthView.throttle_classes, PasswordResetThrottle, PasswordResetEmailThrottle]

    @extend_schema(
        request=PasswordResetInputSerializer,
        responses={200: MessageSerializer},
        description="Mail a password-reset link. The answer is the same whether or not the email has an "
        "account. Throttled per address and per email (`THROTTLE_PASSWORD_RESET`).",
    )
    def post(self, request):
        data = PasswordResetInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset_request(**data.validated_data)
        return Response(MessageSerializer({"message": RESET_SENT}).data)


class PasswordResetConfirmView(PublicAuthView):
    @extend_schema(
        request=PasswordResetConfirmInputSerializer,
        responses={200: MessageSerializer},
        description="Set a new password with the `uid` and `token` of the mailed link. Every session of the "
        "account is signed out. 400 `link_invalid` when the link is bad, expired or already used.",
    )
    def post(self, request):
        data = PasswordResetConfirmInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset_confirm(**data.validated_data)
        return Response(MessageSerializer({"message": "Password has been reset."}).data)


class EmailVerifyView(PublicAuthView):
    @extend_schema(
        request=EmailVerifyInputSerializer,
        responses={200: EmailVerifiedOutputSerializer},
        description="Verify the account's email with the `uid` and `token` of the mailed link; 400 "
        "`link_invalid` when the link is bad, expired, already used or for a former email.",
    )
    def post(self, request):
        data = EmailVerifyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = email_verify(**data.validated_data)
        return Response(EmailVerifiedOutputSerializer({"message": "Email verified.", "user": user}).data)


class EmailVerifyResendView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, SettingsScopedRateThrottle]
    throttle_scope = "email_verify"

    @extend_schema(
        request=NoFieldsSerializer,
        responses={200: MessageSerializer},
        description="Mail a new verification link to the account's email (nothing when it is verified "
        "already). Throttled per user (`THROTTLE_EMAIL_VERIFY`).",
    )
    def post(self, request):
        NoFieldsSerializer(data=request.data).is_valid(raise_exception=True)
        email_verification_send(user=request.user)
        if request.user.email_verified:
            return Response(MessageSerializer({"message": "Your email is already verified."}).data)
        return Response(MessageSerializer({"message": "A verification link has been sent."}).data)


class ProfileExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ProfileExportSerializer})
    def get(self, request):
        """Everything the shop holds about the caller: account, addresses, orders with items and payments,
        reviews, and the quote and product requests made with their email."""
        response = Response(ProfileExportSerializer(selectors.user_export(user=request.user)).data)
        # Personal data: no shared cache or browser history may keep a copy.
        add_never_cache_headers(response)
        return response


@extend_schema_view(
    list=extend_schema(description="The caller's saved addresses, the default first."),
    create=extend_schema(
        description="Save an address; `is_default` takes the default from any other. 409 `address_book_full` past 50."
    ),
    retrieve=extend_schema(description="One of the caller's addresses (another's: 404)."),
    partial_update=extend_schema(description="Change an address; orders placed with it keep their copy."),
    destroy=extend_schema(responses={200: MessageSerializer}, description="Delete an address."),
)
class AddressViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    GenericViewSet,
):
    """The caller's address book; another customer's address is answered 404."""

    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_classes = [IsAuthenticated]
    serializer_class = AddressSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Address.objects.none()
        return selectors.address_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = address_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = address_update(
            user=self.request.user, address_id=serializer.instance.pk, **serializer.validated_data
        )

    def destroy(self, request, pk=None):
        address_delete(user=request.user, address_id=self.get_object().pk)
        return Response(MessageSerializer({"message": "Address deleted"}).data, status=status.HTTP_200_OK)
