from django import forms
from django.core.exceptions import ValidationError


class ListOfLinesField(forms.Field):
    """A JSON list of short texts edited as one item per line, rather than as raw JSON.

    Lines, not commas: a size such as "42,5" keeps its comma. Blank lines and repeats are
    dropped; the limits are the API's (50 items of at most 60 characters).
    """

    widget = forms.Textarea(attrs={"rows": 4, "cols": 30})

    def __init__(self, *, max_items: int = 50, item_max_length: int = 60, **kwargs):
        self.max_items = max_items
        self.item_max_length = item_max_length
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(str(item) for item in value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        lines = (line.strip() for line in (value or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def validate(self, value):
        super().validate(value)
        if len(value) > self.max_items:
            raise ValidationError(f"At most {self.max_items} lines.", code="max_items")
        too_long = [item for item in value if len(item) > self.item_max_length]
        if too_long:
            raise ValidationError(
                f"At most {self.item_max_length} characters a line: {too_long[0][:20]}...", code="max_length"
            )
