"""Quote requests and custom-product requests: one stack for both kinds of inquiry.

The two kinds differ in a few fields and in what a note may carry; each model says
how in its upper-case class attributes (see `models.Inquiry`), and the services,
selectors, filters, viewsets and admin read them there instead of being written twice.
The models belong to the `orders` app (imported from `orders/models.py`).
"""
