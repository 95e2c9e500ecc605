from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "shop.jobs"
    # The label the table names and migrations carry.
    label = "jobs"
