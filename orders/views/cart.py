from drf_spectacular.utils import extend_schema
from rest_framework import status as http
from rest_framework.response import Response
from rest_framework.views import APIView

from orders.selectors.cart import cart_detail
from orders.serializers import (
    CartItemInputSerializer,
    CartItemUpdateInputSerializer,
    CartOutputSerializer,
    CheckoutInputSerializer,
    OrderCreatedSerializer,
)
from orders.services.cart import cart_checkout, cart_clear, cart_item_add, cart_item_remove, cart_item_update
from orders.totals.cart import cart_coupon_apply, cart_coupon_remove, cart_totals_set
from orders.totals.serializers import CartCouponInputSerializer, CartPricingQuerySerializer
from orders.views.orders import order_created_response
from shop.throttles import OrdersThrottle


def _cart_response(request, status=http.HTTP_200_OK) -> Response:
    query = CartPricingQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    cart = cart_totals_set(cart=cart_detail(user=request.user), user=request.user, **query.validated_data)
    return Response(CartOutputSerializer(cart).data, status=status)


class CartView(APIView):
    @extend_schema(
        responses=CartOutputSerializer,
        parameters=[CartPricingQuerySerializer],
        summary="The user's cart, priced as of now (shipping and tax for ?country=)",
    )
    def get(self, request):
        return _cart_response(request)

    @extend_schema(responses={200: CartOutputSerializer}, summary="Empty the cart")
    def delete(self, request):
        cart_clear(user=request.user)
        return _cart_response(request)


class CartItemsView(APIView):
    @extend_schema(
        request=CartItemInputSerializer,
        responses={201: CartOutputSerializer},
        summary="Add a product to the cart (same product, size and color merge)",
    )
    def post(self, request):
        data = CartItemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart_item_add(user=request.user, **data.validated_data)
        return _cart_response(request, status=http.HTTP_201_CREATED)


class CartItemView(APIView):
    @extend_schema(request=CartItemUpdateInputSerializer, responses=CartOutputSerializer, summary="Change a cart line")
    def patch(self, request, item_id: int):
        data = CartItemUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        cart_item_update(user=request.user, item_id=item_id, **data.validated_data)
        return _cart_response(request)

    @extend_schema(responses={200: CartOutputSerializer}, summary="Remove a cart line")
    def delete(self, request, item_id: int):
        cart_item_remove(user=request.user, item_id=item_id)
        return _cart_response(request)


class CartCheckoutView(APIView):
    throttle_classes = [*APIView.throttle_classes, OrdersThrottle]

    @extend_schema(
        request=CheckoutInputSerializer,
        responses={201: OrderCreatedSerializer},
        summary="Turn the cart into an order and empty it",
    )
    def post(self, request):
        data = CheckoutInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = cart_checkout(user=request.user, **data.validated_data)
        return order_created_response(order)


class CartCouponView(APIView):
    @extend_schema(
        request=CartCouponInputSerializer,
        responses={200: CartOutputSerializer},
        summary="Apply a coupon to the cart (400 coupon_invalid with the reason)",
    )
    def post(self, request):
        data = CartCouponInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cart_coupon_apply(user=request.user, **data.validated_data)
        return _cart_response(request)

    @extend_schema(responses={200: CartOutputSerializer}, summary="Take the coupon off the cart")
    def delete(self, request):
        cart_coupon_remove(user=request.user)
        return _cart_response(request)
