"""Which characters a stored text may hold: one rule for every entry (data/ files, the card's
form, the edit command, update workbooks and CSV, new proposals, decisions and the meeting record).

A store takes almost anything, but the documents made from it do not: the .docx and .xlsx are XML,
which has no place for control characters (tab and line breaks aside), U+FFFE, U+FFFF or a lone
surrogate, and PostgreSQL refuses NUL. One such character in one field would make every packet,
bundle and workbook fail for everyone until someone found and cleared it; so it is refused where
it is typed, naming the field and the character.
"""

import re
import unicodedata

from dashboard.domain.problems import Problem

# The curated files are a few kB; anything this large is the wrong file, and refusing it before
# reading keeps a mistaken multi-MB file from costing seconds and memory. An edited proposal is
# held to the same limit, so that the export loads again.
MAX_BYTES = 2 * 1024 * 1024

# Stands in for a raw NUL while a data/ file is parsed, so that the field holding it can be named.
NUL_STAND_IN = "\U0010fffd"
# C0 and C1 control characters but tab, line feed and carriage return; DEL; the two non-characters
# XML refuses; and surrogates, which are never characters on their own.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff\U0010fffd]")


def text_problem(value: str) -> str | None:
    """Why a text cannot be stored, in Chinese, naming the character and where it is; None when it can."""
    match = UNSTORABLE.search(value)
    if match is None:
        return None
    char, position = match.group(), f"第 {match.start() + 1} 個字元"
    if char in ("\x00", NUL_STAND_IN):
        return f"含有 NUL 控制字元（U+0000，{position}），資料庫無法儲存；請刪除該字元"
    if "\ud800" <= char <= "\udfff":
        return f"含有無效的 Unicode 字元（U+{ord(char):04X}，{position}），請刪除該字元"
    kind = "控制字元" if unicodedata.category(char) == "Cc" else "無法儲存的字元"
    return f"含有{kind}（U+{ord(char):04X}，{position}），文件無法收錄；請刪除該字元"


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


# --- file names -------------------------------------------------------------------------------

# What Windows, macOS or a browser refuse or change in a file name: \ / : * ? " < > |, the full-width
# slash of group names (文化教育組／文化組), control characters.
FILE_NAME_UNSAFE = re.compile('[\\\\/:*?"<>|／\x00-\x1f\x7f]')
FILE_NAME_PART_MAX = 40  # characters of one part; a name stays short enough for every file system


def file_name_part(value: str) -> str:
    """A piece of a download's file name: unsafe characters become 「-」, runs of spaces one space,
    no space or dot at either end, at most FILE_NAME_PART_MAX characters."""
    part = re.sub(r"\s+", " ", FILE_NAME_UNSAFE.sub("-", value)).strip(" .")
    return part[:FILE_NAME_PART_MAX].strip(" .")


def file_name(parts: list[str], suffix: str) -> str:
    """合作提案_112年度_交通運輸組_紅.xlsx: the safe parts joined with 「_」, empty ones left out."""
    return "_".join(p for p in (file_name_part(part) for part in parts) if p) + suffix
