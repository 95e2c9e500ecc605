from shop.error_codes import JobErrorCode
from shop.errors import NotFound


class JobFileNotReady(NotFound):
    code = JobErrorCode.JOB_FILE_NOT_READY
    default_message = "This job has no file (yet): only a succeeded export has one."
