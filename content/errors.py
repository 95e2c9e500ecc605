from shop.errors import NotFound


class BlogNotFound(NotFound):
    default_message = "Blog not found"
