from accounts.models import User
from shop.jobs.models import Job


def job_list_for_user(*, user: User):
    """The jobs `user` may follow: the ones they started, or every one for a superuser."""
    jobs = Job.objects.all()
    return jobs if user.is_superuser else jobs.filter(created_by=user)
