"""multipart/form-data bodies whose fields travel as one JSON part, as the storefront sends them."""

import json

from django.utils.datastructures import MultiValueDict
from rest_framework.exceptions import ParseError
from rest_framework.parsers import DataAndFiles, MultiPartParser


class MultipartJsonParser(MultiPartParser):
    """Reads the JSON object in the `data` part as the body's fields; files stay files.

    Without a `data` part the plain form fields are used as they are.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        raw = parsed.data.get("data")
        if raw is None:
            return parsed
        try:
            data = json.loads(raw)
        except ValueError:
            raise ParseError('The "data" part is not valid JSON.') from None
        if not isinstance(data, dict):
            raise ParseError('The "data" part must be a JSON object.')
        # The files join the fields here: DRF's own merge would turn each file into a list
        # of files, since it updates a plain dict from a MultiValueDict.
        data.update({name: parsed.files[name] for name in parsed.files})
        return DataAndFiles(data, MultiValueDict())
