"""A Word or Excel file part by part, for tests that a document is unchanged: the zip's own timestamps
aside, and the generation time its properties state (word.set_properties, sheets.set_properties)."""

import io
import re
import zipfile
from pathlib import Path

GENERATED = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*")
PROPERTIES = "docProps/core.xml"


def parts(file: bytes | Path) -> dict[str, bytes]:
    """Each part's bytes by name, the created and modified times emptied."""
    source = io.BytesIO(file) if isinstance(file, bytes) else file
    with zipfile.ZipFile(source) as document:
        found = {name: document.read(name) for name in document.namelist()}
    if PROPERTIES in found:
        found[PROPERTIES] = GENERATED.sub(rb"\1", found[PROPERTIES])
    return found
