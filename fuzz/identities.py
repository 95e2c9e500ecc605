"""The accounts a fuzz run signs in as, and the throwaway account that takes their place as a target."""

ADMIN_ID = 7_000_000_001
CUSTOMER_ID = 7_000_000_002
THROWAWAY_ID = 7_000_000_003

# `admin` is a superuser, so the run also reaches what only superusers may do (creating users, changing
# `is_staff`/`is_active`); `customer` is an ordinary account.
ROLES = {
    "admin": {"id": ADMIN_ID, "email": "fuzz-admin@example.com", "is_staff": True, "is_superuser": True},
    "customer": {"id": CUSTOMER_ID, "email": "fuzz-customer@example.com", "is_staff": False, "is_superuser": False},
}
THROWAWAY = {"id": THROWAWAY_ID, "email": "fuzz-throwaway@example.com", "is_staff": False, "is_superuser": False}
