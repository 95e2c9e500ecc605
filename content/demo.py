"""Demo blog posts for `manage.py seed_demo`."""

from accounts.models import User
from content.models import BlogPost
from content.services import blog_create

POSTS = [
    {
        "slug": "welcome-to-the-shop",
        "title": "Welcome to the shop",
        "content": "We opened our doors today. Browse the catalog, ask for a quote on larger orders, "
        "or tell us about the custom piece you have in mind.",
    },
    {
        "slug": "how-we-choose-our-materials",
        "title": "How we choose our materials",
        "content": "Every product page lists its materials. Here is why we favour solid wood, "
        "linen and recycled steel, and what that means for how long things last.",
    },
    {
        "slug": "caring-for-linen",
        "title": "Caring for linen",
        "content": "Wash cool, dry flat, iron damp. Linen softens with every wash and outlives cotton.",
    },
    {
        "slug": "spring-collection-preview",
        "title": "Spring collection preview",
        "content": "A draft for staff: the spring collection lands next month.",
        "is_published": False,
    },
]


def seed() -> str:
    existing = set(BlogPost.objects.filter(slug__in=[post["slug"] for post in POSTS]).values_list("slug", flat=True))
    author = User.objects.filter(is_staff=True).order_by("id").first()
    created = [blog_create(author=author, **post) for post in POSTS if post["slug"] not in existing]
    return f"{len(POSTS)} blog posts ({len(created)} new)"
