"""What a browser would post back from an admin page: every field of one form as the page shows it."""

from html.parser import HTMLParser


class _FormValues(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, list[str]] = {}
        self.textarea: str | None = None
        self.select: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or (not attrs.get("name") and tag != "option"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "file", "button", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(attrs["name"], attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self._add(self.textarea, "")
        elif tag == "select":
            self.select = attrs["name"]
            self.values.setdefault(self.select, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self._add(self.select, attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            # Browsers drop the newline right after <textarea>.
            current = self.values[self.textarea][-1]
            self.values[self.textarea][-1] = current + (data.removeprefix("\n") if not current else data)


def form_values(response, form_id: str) -> dict:
    """The form's fields as a browser would post them unchanged: single values as strings, multiple as lists."""
    parser = _FormValues(form_id)
    parser.feed(response.content.decode())
    return {name: values[0] if len(values) == 1 else values for name, values in parser.values.items()}
