from django.conf import settings
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts import selectors, services
from accounts.serializers import (
    LoginInputSerializer,
    LoginOutputSerializer,
    PasswordChangedOutputSerializer,
    PasswordChangeInputSerializer,
    ProfileInputSerializer,
    ProfileOutputSerializer,
    RefreshInputSerializer,
    RegisterInputSerializer,
    RegisterOutputSerializer,
    TokenPairSerializer,
    UserCreateInputSerializer,
    UserDetailSerializer,
    UserListQuerySerializer,
    UserSerializer,
    UserUpdatedOutputSerializer,
    UserUpdateInputSerializer,
)
from accounts.throttling import CurrentPasswordThrottle, LoginFailureThrottle, ReleasesLoginAttempt, client_ip
from shop.permissions import AllowAny, IsAuthenticated, IsStaff, IsSuperuser
from shop.schema import errors
from shop.serializers import MessageSerializer
from shop.throttles import SettingsScopedRateThrottle

COOKIE_NOTE = "The refresh token is also set as the HttpOnly cookie `refresh_token` (Path `/api/auth/`)."


def _with_refresh_cookie(response: Response, refresh: str) -> Response:
    # Every answer that hands out tokens comes through here: no browser or proxy may keep a copy.
    add_never_cache_headers(response)
    response.set_cookie(
        settings.REFRESH_COOKIE_NAME,
        refresh,
        max_age=int(jwt_settings.REFRESH_TOKEN_LIFETIME.total_seconds()),
        path=settings.REFRESH_COOKIE_PATH,
        secure=settings.REFRESH_COOKIE_SECURE,
        httponly=True,
        samesite=settings.REFRESH_COOKIE_SAMESITE,
    )
    return response


def _without_refresh_cookie(response: Response) -> Response:
    response.delete_cookie(
        settings.REFRESH_COOKIE_NAME, path=settings.REFRESH_COOKIE_PATH, samesite=settings.REFRESH_COOKIE_SAMESITE
    )
    return response


def _refresh_from(request, body_token: str | None) -> str | None:
    return body_token or request.COOKIES.get(settings.REFRESH_COOKIE_NAME)


class PublicAuthView(APIView):
    # No authentication: a stale access token in the header must not stop anyone
    # from signing in again.
    authentication_classes = []
    permission_classes = [AllowAny]


class RegisterView(PublicAuthView):
    throttle_classes = [SettingsScopedRateThrottle]
    throttle_scope = "register"

    @extend_schema(
        request=RegisterInputSerializer,
        responses={201: RegisterOutputSerializer},
        description=f"Create a customer account and sign it in. {COOKIE_NOTE}",
    )
    def post(self, request):
        data = RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.user_register(**data.validated_data)
        body = {
            "message": "User registered",
            "user": session.user,
            "access": session.access,
            "refresh": session.refresh,
        }
        response = Response(RegisterOutputSerializer(body).data, status=status.HTTP_201_CREATED)
        return _with_refresh_cookie(response, session.refresh)


class LoginView(ReleasesLoginAttempt, PublicAuthView):
    throttle_classes = [SettingsScopedRateThrottle, LoginFailureThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=LoginInputSerializer,
        responses={200: LoginOutputSerializer, **errors(403, 503)},
        description=f"Sign in with email and password. {COOKIE_NOTE} Repeated failures from one address "
        "or for one email are refused with 429 until the window ends; while the cache that counts them is "
        "unreachable, 503 sign_in_unavailable.",
    )
    def post(self, request):
        data = LoginInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.user_login(**data.validated_data, client_ip=client_ip(request))
        body = {
            "message": "Login successful",
            "token": session.access,
            "access": session.access,
            "refresh": session.refresh,
            "user": session.user,
        }
        return _with_refresh_cookie(Response(LoginOutputSerializer(body).data), session.refresh)


class RefreshView(PublicAuthView):
    @extend_schema(
        request=RefreshInputSerializer,
        responses={200: TokenPairSerializer, **errors(403)},
        description="Exchange a refresh token (body, else the `refresh_token` cookie) for a new pair; the old "
        "one is blacklisted. An already rotated token presented again gets the same pair within "
        "`JWT_REFRESH_REUSE_SECONDS` of its rotation; later, it revokes every session of the account.",
    )
    def post(self, request):
        data = RefreshInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.token_refresh(raw_token=_refresh_from(request, data.validated_data.get("refresh")))
        body = {"access": session.access, "refresh": session.refresh}
        return _with_refresh_cookie(Response(TokenPairSerializer(body).data), session.refresh)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if response.status_code in (status.HTTP_401_UNAUTHORIZED, status.HTTP_403_FORBIDDEN):
            # The token is dead for good: stop the browser from sending it again.
            _without_refresh_cookie(response)
        return response


class LogoutView(PublicAuthView):
    @extend_schema(
        request=RefreshInputSerializer,
        responses={200: MessageSerializer},
        description="Blacklist the refresh token given (body or cookie) and clear the cookie. Always succeeds.",
    )
    def post(self, request):
        try:
            data = RefreshInputSerializer(data=request.data)
            body_token = data.validated_data.get("refresh") if data.is_valid() else None
        except ParseError:
            body_token = None  # a logout never fails, whatever the body
        return self._logout(request, body_token)

    @extend_schema(
        request=None,
        responses={200: MessageSerializer},
        description="Alias of POST, with the cookie only (the storefront's original logout).",
    )
    def get(self, request):
        return self._logout(request, None)

    def _logout(self, request, body_token: str | None) -> Response:
        services.token_revoke(raw_token=_refresh_from(request, body_token))
        return _without_refresh_cookie(Response(MessageSerializer({"message": "Logged out"}).data))


class ProfileView(ReleasesLoginAttempt, APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, CurrentPasswordThrottle]

    @extend_schema(responses={200: ProfileOutputSerializer})
    def get(self, request):
        return Response(ProfileOutputSerializer({"user": request.user}).data)

    @extend_schema(request=ProfileInputSerializer, responses={200: ProfileOutputSerializer})
    def patch(self, request):
        data = ProfileInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = services.user_update(
            actor=request.user, user=request.user, **data.validated_data, client_ip=client_ip(request)
        )
        return Response(ProfileOutputSerializer({"user": user}).data)


class PasswordChangeView(ReleasesLoginAttempt, APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [*APIView.throttle_classes, LoginFailureThrottle]

    @extend_schema(
        request=PasswordChangeInputSerializer,
        responses={200: PasswordChangedOutputSerializer},
        description="Change the password. Every refresh token of the account is revoked; the answer carries "
        f"a new pair for this client. {COOKIE_NOTE}",
    )
    def post(self, request):
        data = PasswordChangeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.user_password_change(user=request.user, **data.validated_data, client_ip=client_ip(request))
        body = {"message": "Password changed", "access": session.access, "refresh": session.refresh}
        return _with_refresh_cookie(Response(PasswordChangedOutputSerializer(body).data), session.refresh)


@extend_schema_view(
    list=extend_schema(parameters=[UserListQuerySerializer], description="Staff only."),
    create=extend_schema(
        request=UserCreateInputSerializer, responses={201: UserSerializer}, description="Superusers only."
    ),
    retrieve=extend_schema(description="Staff, or the user themself."),
    update=extend_schema(
        request=UserUpdateInputSerializer,
        responses={200: UserUpdatedOutputSerializer},
        description="Staff, or the user themself. The account's owner changing their own password or email "
        "must send `current_password` (401 when wrong, counted as a failed sign-in). Only a superuser may "
        "change `is_staff`/`is_active` or another staff account.",
    ),
    partial_update=extend_schema(
        request=UserUpdateInputSerializer, responses={200: UserUpdatedOutputSerializer}, description="As PUT."
    ),
    destroy=extend_schema(
        responses={200: MessageSerializer},
        description="Staff, or the user themself: the account, its cart, reviews and tokens go.",
    ),
)
class UserViewSet(
    ReleasesLoginAttempt,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    GenericViewSet,
):
    lookup_value_regex = r"\d+"
    throttle_classes = [*GenericViewSet.throttle_classes, CurrentPasswordThrottle]
    serializer_class = UserSerializer

    def get_permissions(self):
        if self.action == "list":
            return [IsStaff()]
        if self.action == "create":
            return [IsSuperuser()]
        return [IsAuthenticated()]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return UserDetailSerializer
        return UserSerializer

    def get_queryset(self):
        if self.action == "list":
            params = UserListQuerySerializer(data=self.request.query_params)
            params.is_valid(raise_exception=True)
            return selectors.user_list(
                query=params.validated_data.get("q", ""), is_staff=params.validated_data["is_staff"]
            )
        return selectors.user_visible_to(actor=self.request.user, with_orders=self.action == "retrieve")

    def create(self, request):
        data = UserCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(**data.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None):
        return self._update(request, partial=False)

    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    def _update(self, request, *, partial: bool) -> Response:
        user = self.get_object()
        data = UserUpdateInputSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        user = services.user_update(actor=request.user, user=user, **data.validated_data, client_ip=client_ip(request))
        return Response(UserUpdatedOutputSerializer({"message": "User updated", "user": user}).data)

    def destroy(self, request, pk=None):
        services.user_delete(actor=request.user, user=self.get_object())
        return Response(MessageSerializer({"message": "User deleted"}).data)
