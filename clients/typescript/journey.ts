// A storefront journey written as a developer would against the generated types (`schema.d.ts`, made by
// openapi-typescript from the live schema). clients/test_typescript_client.py type-checks it with
// `tsc --noEmit`: a schema that lies (a public GET needing a token, an optional field the server always
// sends, a default turned into a required input, a string id, a plain-text error) fails to compile.
// No directive that silences the checker and no casts: the types must simply fit.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

type Schemas = components["schemas"];
type ErrorCode = Schemas["Error"]["code"];

export async function journey(baseUrl: string, email: string, password: string): Promise<string[]> {
  const done: string[] = [];
  let access: string | undefined;
  const bearer: Middleware = {
    onRequest({ request }) {
      if (access) request.headers.set("Authorization", `Bearer ${access}`);
      return request;
    },
  };
  const api = createClient<paths>({ baseUrl, credentials: "include" });
  api.use(bearer);

  // Browse and filter without signing in.
  const list = await api.GET("/api/products", {
    params: { query: { q: "shirt", min_price: 20, sort: "price_asc", limit: 10, in_stock: true } },
  });
  if (list.error) return fail(list.error.code);
  const first: Schemas["ProductOutput"] | undefined = list.data.results[0];
  if (!first) return done;
  const productId: number = first.id;
  const finalPrice: string = first.final_price;
  const inStock: boolean = first.in_stock;
  const detail = await api.GET("/api/products/{id}", { params: { path: { id: productId } } });
  if (detail.error) return fail(detail.error.code);
  const etag: string | null = detail.response.headers.get("ETag");
  done.push(`browsed ${detail.data.name} at ${finalPrice} (${inStock ? "in stock" : "sold out"}, ${etag ?? "no etag"})`);
  const reviews = await api.GET("/api/products/{id}/reviews", { params: { path: { id: productId } } });
  if (reviews.error) return fail(reviews.error.code);
  const ratings: number[] = reviews.data.results.map((review) => review.rating);
  const categories = await api.GET("/api/categories");
  if (categories.error) return fail(categories.error.code);
  const slugs: string[] = categories.data.results.map((category) => category.slug);
  done.push(`ratings ${ratings.join(",")}; categories ${slugs.join(",")}`);

  // Register and sign in.
  const registered = await api.POST("/api/auth/register", { body: { email, password } });
  if (registered.error) return fail(registered.error.code);
  const session = await api.POST("/api/auth/login", { body: { email, password } });
  if (session.error) return fail(session.error.code);
  access = session.data.access;
  const userId: number = session.data.user.id;

  // The cart: options left to their defaults, then a quantity change and a removal.
  const added = await api.POST("/api/cart/items", { body: { product_id: productId } });
  if (added.error) return fail(added.error.code);
  const line = added.data.items[0];
  if (!line) return fail("invalid");
  const lineId: number = line.id;
  const changed = await api.PATCH("/api/cart/items/{item_id}", {
    params: { path: { item_id: lineId } },
    body: { quantity: 2 },
  });
  if (changed.error) return fail(changed.error.code);
  const itemCount: number = changed.data.item_count;
  done.push(`cart holds ${itemCount}`);

  // Checkout: the order's status, total and amount paid are always there.
  const shipping: Schemas["ShippingRequest"] = {
    full_name: "Ada Lovelace",
    address: "1 Analytical Way",
    city: "London",
    country: "GB",
  };
  const created = await api.POST("/api/cart/checkout", { body: { shipping } });
  if (created.error) return fail(created.error.code);
  const order: Schemas["OrderOutput"] = created.data.order;
  const status: Schemas["OrderStatusEnum"] = order.status;
  const total: string = order.total;
  const paid: string = order.amount_paid;
  done.push(`order ${order.id} ${status}: ${total}, paid ${paid}, user ${userId}`);

  // Paying with an idempotency key: a retry may be answered from the first attempt.
  const payment = await api.POST("/api/payments", {
    body: { order_id: order.id, amount: total, method: "card" },
    params: { header: { "Idempotency-Key": `order-${order.id}` } },
  });
  if (payment.error) {
    const code: ErrorCode = payment.error.code;
    done.push(`payment refused: ${code} ${payment.error.field ?? ""}`);
  } else {
    const replayed: boolean = payment.response.headers.get("Idempotent-Replayed") === "true";
    done.push(`paid ${payment.data.amount}${replayed ? " (replayed)" : ""}`);
  }

  // A review, a misspelt PATCH that the server refuses, then refresh (by the cookie) and logout.
  const review = await api.POST("/api/products/{id}/reviews", {
    params: { path: { id: productId } },
    body: { rating: 5 },
  });
  if (review.error && review.response.status === 429) {
    const retryAfter: string | null = review.response.headers.get("Retry-After");
    done.push(`throttled, retry after ${retryAfter ?? "?"}`);
  }
  const cancelled = await api.PATCH("/api/orders/{id}", {
    params: { path: { id: order.id } },
    body: { status: "cancelled" },
  });
  if (cancelled.error) done.push(`cancel refused: ${cancelled.error.code}`);
  const pair = await api.POST("/api/auth/refresh", { body: {} });
  if (pair.error) return fail(pair.error.code);
  access = pair.data.access;
  const loggedOut = await api.POST("/api/auth/logout", { body: {} });
  if (loggedOut.error) return fail(loggedOut.error.code);
  done.push(loggedOut.data.message);
  access = undefined;
  return done;
}

// A staff step: a blog draft edited without publishing it (no default slips into the PATCH).
export async function editDraft(baseUrl: string, token: string, postId: number): Promise<boolean> {
  const api = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
  const edited = await api.PATCH("/api/blogs/{id}", { params: { path: { id: postId } }, body: { title: "Draft" } });
  if (edited.error) return fail(edited.error.code);
  return edited.data.is_published;
}

function fail(code: ErrorCode | "invalid"): never {
  throw new Error(`the API answered ${code}`);
}
