"""multipart/form-data bodies whose fields travel as one JSON object in a `data` part, as the storefront sends them."""

import json

from django.conf import settings
from django.utils.datastructures import MultiValueDict
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, JSONParser, MultiPartParser
from rest_framework.request import is_form_media_type

from shop.errors import InvalidInput


class MultipartJsonParser(MultiPartParser):
    """Reads the JSON object in the `data` part as the body's fields; files stay files.

    The `data` part may be a plain field or a file part (browsers append a JSON Blob to
    FormData as a file). By default the files join the fields, one file per name, so that a
    serializer's FileField validates them; without a `data` part the plain form fields are
    the body, and a `data` part that is not a JSON object is a 400 `parse_error`.

    A view whose JSON may carry a field named like one of its file parts (a product's `images`
    URLs beside its `images` uploads) sets `multipart_files_apart = True` and reads its body
    with `body_fields()`: the fields are then the JSON object alone (`{}` without a `data`
    part, or an empty one), every file stays in `request.FILES`, and a bad `data` part is a 400 `invalid`
    naming the `data` field, as those endpoints have always answered.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        apart = getattr((parser_context or {}).get("view"), "multipart_files_apart", False)
        raw = parsed.data.get("data")
        if raw is None and "data" in parsed.files:
            raw = parsed.files.pop("data")[-1]
        if raw is None:
            return DataAndFiles({}, parsed.files) if apart else parsed
        fields = self._json_object(raw, apart=apart)
        if apart:
            return DataAndFiles(fields, parsed.files)
        # The files join the fields here: DRF's own merge would turn each file into a list
        # of files, since it updates a plain dict from a MultiValueDict.
        fields.update({name: parsed.files[name] for name in parsed.files})
        return DataAndFiles(fields, MultiValueDict())

    @staticmethod
    def _json_object(raw, *, apart: bool) -> dict:
        if hasattr(raw, "read"):
            raw = raw.read(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if apart and not raw:
            return {}
        try:
            fields = json.loads(raw)
        except ValueError:
            if apart:
                raise InvalidInput("data: not valid JSON.", field="data") from None
            raise ParseError('The "data" part is not valid JSON.') from None
        if not isinstance(fields, dict):
            if apart:
                raise InvalidInput("data: expected a JSON object.", field="data")
            raise ParseError('The "data" part must be a JSON object.')
        return fields


def body_fields(request):
    """The body's fields without its files, for views with `multipart_files_apart`.

    For a form body DRF keeps them in `request.POST` (its `request.data` has the files merged
    in, over any field of the same name); a JSON body has only `request.data`.
    """
    return request.POST if is_form_media_type(request.content_type) else request.data


def json_or_multipart(json_serializer, multipart_serializer) -> dict:
    """The documented request body of a view taking JSON or MultipartJsonParser's multipart."""
    return {"application/json": json_serializer, "multipart/form-data": multipart_serializer}


# JSON on every action of a viewset; MultipartJsonParser's multipart too on `multipart_actions`. Only the
# actions with file parts take multipart (the schema documents those parts); every other action, like every
# other view (DEFAULT_PARSER_CLASSES), takes JSON alone, so a generated client never picks a body encoding the
# server would read differently. (Comments, not a docstring: the schema would show it on every operation.)
class MultipartActionsMixin:
    multipart_actions: frozenset[str] = frozenset()

    def get_parsers(self):
        # DRF picks the parsers before it sets `self.action`; the viewset's method map gives it.
        request = getattr(self, "request", None)
        action = self.action_map.get(request.method.lower()) if request is not None else None
        if action in self.multipart_actions:
            return [JSONParser(), MultipartJsonParser()]
        return [JSONParser()]
