"""Whether a text can be stored: the one check for data/ files, edits, sheets and new cycles.

PostgreSQL refuses NUL characters and no engine takes lone surrogates; a text is checked before it
reaches the store, so that the clerk learns which field to fix instead of seeing a database error.
"""

import re

from dashboard.domain.problems import Problem

# The curated files are a few kB; anything this large is the wrong file, and refusing it before
# reading keeps a mistaken multi-MB file from costing seconds and memory. An edited proposal is
# held to the same limit, so that the export loads again.
MAX_BYTES = 2 * 1024 * 1024

NUL_MESSAGE = "含有 NUL 字元（\\x00），資料庫無法儲存；請刪除該字元"
NUL_STAND_IN = "\U0010fffd"  # lets a raw NUL through the YAML parser so its field can be named
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored (PostgreSQL refuses NUL; no engine takes lone surrogates)."""
    if "\x00" in value or NUL_STAND_IN in value:
        return NUL_MESSAGE
    match = _SURROGATE.search(value)
    if match:
        return f"含有無效的 Unicode 字元（U+{ord(match.group()):04X}），請刪除該字元"
    return None


def check_yaml_text(data, file: str, label: str, problems: list[Problem]) -> None:
    """Report every text in a YAML document (keys too) that no store can hold, by its field path."""
    stack = [(data, "")]
    while stack:
        value, where = stack.pop()
        pending = []
        if isinstance(value, dict):
            for key, item in value.items():
                name = f"{where}的 {key}" if where else str(key)
                if isinstance(key, str) and text_problem(key):
                    problems.append(Problem(file, label, name, text_problem(key)))
                pending.append((item, name))
        elif isinstance(value, list):
            pending = [(item, f"{where} 第 {position} 筆") for position, item in enumerate(value, start=1)]
        elif isinstance(value, str) and text_problem(value):
            problems.append(Problem(file, label, where or "-", text_problem(value)))
        stack.extend(reversed(pending))  # reversed, so problems come in the file's order
