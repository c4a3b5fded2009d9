"""A problem found in data/, named by file, record and field, and the error that carries them all."""

import dataclasses
from dataclasses import dataclass

WHOLE_FILE = "（檔案）"  # the record of a problem that concerns the file as a whole


@dataclass(frozen=True)
class Problem:
    file: str
    record: str
    field: str
    message: str
    # Where the record sits when it is an item of a list field (a proposal's lead_units: "lead_units"
    # and its position from 1), so that a form can name its row without reading `record`'s text.
    part: str | None = dataclasses.field(default=None, compare=False)
    position: int | None = dataclasses.field(default=None, compare=False)

    def __str__(self) -> str:
        return f"{self.file}｜{self.record}｜欄位「{self.field}」：{self.message}"


class DataError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
