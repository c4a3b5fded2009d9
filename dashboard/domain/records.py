"""A record of a source document, validated field by field into problems instead of exceptions.

The toolkit of the loader and of every change made in the dashboard: each accessor reports what is
wrong with a value (in the clerk's words, naming file, record and field) and returns None, so that
all problems of a document are found in one pass.
"""

import difflib
from collections import Counter
from collections.abc import Callable
from datetime import date, time
from typing import Any

from dashboard.domain.problems import Problem
from dashboard.domain.text import text_problem

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # the store's Integer columns are 32-bit on PostgreSQL

MISSING = object()
SCALARS = (str, int, float, date)  # what YAML gives for a plain value; sets, bytes and the like are not text


class Record:
    """One record of a source file, with typed accessors that report instead of raising."""

    def __init__(
        self,
        data: dict,
        file: str,
        label: str,
        problems: list[Problem],
        part: str | None = None,
        position: int | None = None,
    ):
        """`part` and `position` place an item of a list field (see Problem)."""
        self.data, self.file, self.label, self.problems = data, file, label, problems
        self.part, self.position = part, position

    def problem(self, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.label, field_name, message, self.part, self.position))

    def only(self, allowed: tuple[str, ...]) -> None:
        """Report the keys nobody reads: a misspelt optional field would otherwise vanish silently."""
        for key in self.data:
            if key not in allowed:
                near = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"是不是「{near[0]}」？" if near else f"可用：{'、'.join(allowed)}"
                self.problem(str(key), f"未知的欄位；{hint}")

    def raw(self, name: str, required: bool = True) -> Any:
        value = self.data.get(name)
        if isinstance(value, str):
            if text_problem(value):
                return MISSING  # reported where the file was read; spare a second message
            value = value.strip()
        if value is None or value == "" or value == [] or value == {}:
            if required:
                self.problem(name, "必填欄位，不可空白")
            return MISSING
        return value

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.raw(name, required)
        if value is MISSING:
            return None
        if not isinstance(value, SCALARS):
            self.problem(name, "應為一段文字，不是清單或欄位對應")
            return None
        return str(value)

    def integer(self, name: str, required: bool = True, minimum: int | None = None) -> int | None:
        value = self.raw(name, required)
        if value is MISSING:
            return None
        try:
            number = int(str(value).replace(",", ""))
        except ValueError:
            self.problem(name, f"「{shorten(value)}」不是整數")
            return None
        if minimum is not None and number < minimum:
            self.problem(name, f"數量不可為負數（目前為 {number}）" if minimum == 0 else f"須大於或等於 {minimum}")
            return None
        low = INT_MIN if minimum is None else minimum
        if not low <= number <= INT_MAX:
            self.problem(name, f"{number} 超出可接受的範圍（{low} 至 {INT_MAX}）")
            return None
        return number

    def count(self, name: str) -> int | None:
        return self.integer(name, minimum=0)

    def day(self, name: str, required: bool = True) -> date | None:
        value = self.raw(name, required)
        if value is MISSING:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.problem(name, f"日期「{value}」無效，請用西元 YYYY-MM-DD 格式（例如 2023-08-08）")
            return None

    def clock(self, name: str, required: bool = True) -> time | None:
        value = self.raw(name, required)
        if value is MISSING:
            return None
        try:
            return time.fromisoformat(str(value))
        except ValueError:
            self.problem(name, f"時間「{value}」無效，請用 HH:MM 格式（例如 14:30）")
            return None

    def choice(
        self,
        name: str,
        allowed,
        what: str,
        required: bool = True,
        labels: dict | None = None,
        where_listed: str | None = None,
    ) -> str | None:
        """A value from `allowed`; `labels` are shown beside the allowed values in the message."""
        value = self.text(name, required)
        if value is not None and value not in allowed:
            shown = [f"{k}（{labels[k]}）" if labels and k in labels else str(k) for k in allowed]
            if len(shown) > 12:  # a list too long to read: say where the values come from instead
                self.problem(name, f"未知的{what}「{shorten(value)}」；請對照{where_listed or '可用的值'}")
            else:
                self.problem(name, f"未知的{what}「{shorten(value)}」；可用：{'、'.join(shown)}")
            return None
        return value

    def items(self, name: str, required: bool = True) -> list:
        value = self.raw(name, required)
        if value is MISSING:
            return []
        if not isinstance(value, list):
            self.problem(name, "應為清單（每項一行，以「- 」開頭）")
            return []
        return value

    def texts(self, name: str, required: bool = True) -> list[str]:
        """A list of short texts, each once; other entries are reported."""
        texts = []
        for position, item in enumerate(self.items(name, required), start=1):
            if not isinstance(item, SCALARS):
                self.problem(name, f"第 {position} 項應為一段文字")
            else:
                texts.append(str(item))
        return list(dict.fromkeys(texts))

    def records(self, name: str, what: str, required: bool = True) -> list[tuple[int, dict]]:
        """A list of mappings, numbered from 1; other entries are reported."""
        found = []
        for position, item in enumerate(self.items(name, required), start=1):
            if isinstance(item, dict):
                found.append((position, item))
            else:
                self.problem(name, f"第 {position} 項應為{what}")
        return found


def shorten(value, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def unique(items: list, key: Callable, file: str, what: str, problems: list[Problem], label: Callable) -> None:
    counts = Counter(key(item) for item in items)
    kind = "識別碼" if what in ("id", "code") else "名稱"
    for item in items:
        if key(item) is not None and counts[key(item)] > 1:
            problems.append(Problem(file, label(item), what, f"重複的{kind}「{key(item)}」"))
