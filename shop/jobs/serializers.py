from rest_framework import serializers

from shop.jobs.models import Job, JobStatus
from shop.serializers import ModelSerializer, Serializer


class JobProgressSerializer(Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField(allow_null=True, help_text="Null while the size of the work is unknown.")


class JobSerializer(ModelSerializer):
    status = serializers.ChoiceField(JobStatus.choices)
    progress = serializers.SerializerMethodField()
    result = serializers.JSONField(
        allow_null=True, help_text="An import's report; an export's {url} of GET /api/jobs/<id>/file."
    )
    error = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = ["id", "kind", "status", "progress", "result", "error", "created_at", "finished_at"]

    def get_progress(self, job) -> dict:
        return JobProgressSerializer({"done": job.progress_done, "total": job.progress_total}).data

    def get_error(self, job) -> str | None:
        return job.error or None


class JobStartedSerializer(Serializer):
    job_id = serializers.IntegerField(help_text="Follow it at GET /api/jobs/<job_id>.")
