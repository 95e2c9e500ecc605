"""Active content in PDFs: scripts and program launches that a viewer may run when staff open the file.

Anyone can attach a PDF to a product request, and staff open it; such a PDF is
refused rather than cleaned, since the customer can send it again without the script.
"""

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from shop.error_codes import ShopErrorCode
from shop.errors import InvalidInput

# Action types (PDF 32000-1, 12.6.4) that run code or another program.
ACTIVE_ACTIONS = {"/JavaScript": "JavaScript", "/Launch": "Launch actions"}
# Keys that hold scripts outside an action: the document-level script name tree, and code itself.
SCRIPT_KEYS = ("/JavaScript", "/JS")
# Beyond this many objects the walk itself would be the cost an attacker wants; such a file is refused.
MAX_OBJECTS_WALKED = 200_000


class PdfTooComplex(Exception):
    pass


class PdfActiveContent(InvalidInput):
    """A 400 rather than a 415: the format is accepted, this file's content is not, and the message says why."""

    code = ShopErrorCode.ACTIVE_CONTENT
    default_message = "PDFs with JavaScript or Launch actions are not accepted."


def pdf_active_content(reader: PdfReader) -> str | None:
    """What active content the document reachable from its trailer holds ("JavaScript", "Launch actions"), or None.

    Walks every object a viewer could reach (catalog, pages, annotations, forms, outlines,
    name trees), each indirect object once. Raises PdfTooComplex past MAX_OBJECTS_WALKED.
    """
    seen: set[tuple[int, int]] = set()
    pending: list = [reader.trailer]
    walked = 0
    while pending:
        node = pending.pop()
        walked += 1
        if walked > MAX_OBJECTS_WALKED:
            raise PdfTooComplex()
        if isinstance(node, IndirectObject):
            if (node.idnum, node.generation) in seen:
                continue
            seen.add((node.idnum, node.generation))
            pending.append(node.get_object())
        elif isinstance(node, DictionaryObject):
            if any(key in node for key in SCRIPT_KEYS):
                return "JavaScript"
            action = ACTIVE_ACTIONS.get(str(node.get("/S", "")))
            if action:
                return action
            pending.extend(node.values())
        elif isinstance(node, ArrayObject):
            pending.extend(node)
    return None
