from shop.errors import NotFound


class JobFileNotReady(NotFound):
    code = "job_file_not_ready"
    default_message = "This job has no file (yet): only a succeeded export has one."
