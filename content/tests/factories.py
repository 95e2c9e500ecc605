import factory

from accounts.tests.factories import StaffFactory
from content.models import BlogPost


class BlogPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BlogPost

    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-number-{n}")
    content = factory.Faker("paragraph")
    is_published = True
    # No password: hashing one per post would make every list test slow.
    author = factory.SubFactory(StaffFactory, password=None)
