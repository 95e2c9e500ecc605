"""Demo customers, so the storefront can be tried without registering."""

from accounts.models import User

DEMO_PASSWORD = "demo-shopper-2026"
DEMO_CUSTOMERS = (
    ("customer@example.com", "Casey Customer"),
    ("jane.doe@example.com", "Jane Doe"),
)


def seed() -> str:
    added = 0
    for email, name in DEMO_CUSTOMERS:
        if User.objects.filter(email=email).exists():
            continue
        # Verified: the demo shopper can check out with REQUIRE_VERIFIED_EMAIL on, without a mailbox.
        User.objects.create_user(email, DEMO_PASSWORD, name=name, email_verified=True)
        added += 1
    emails = ", ".join(email for email, _ in DEMO_CUSTOMERS)
    return f"{added} demo customers added ({emails}; password {DEMO_PASSWORD})"
