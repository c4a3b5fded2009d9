"""The plumbing every command shares: the store session, the refusal (one line or the list of
problems, exit 1) and text laid out for a terminal."""

import functools
import sys
import unicodedata

from sqlmodel import Session

from dashboard.datafiles import build
from dashboard.datafiles.data_layout import ExportError
from dashboard.domain import dates, editing, vocab
from dashboard.domain.accounts import AccountError
from dashboard.domain.editing import EDIT_FILE, EditError, StaleEdit, field_label
from dashboard.domain.permissions import PermissionDenied
from dashboard.domain.problems import Problem
from dashboard.store.db import make_engine

REFUSED = 1


def open_session(args) -> Session:
    """A session on the store, built from data/ first when it is missing (as the app does)."""
    engine = make_engine()
    build.ensure_built(engine, args.data)
    return Session(engine)


def refuse(message: str) -> int:
    print(message, file=sys.stderr)
    return REFUSED


def report_plan(file_name: str, problems: list, notes: list[str]) -> bool:
    """An import's problems (to stderr, nothing written) and notes; True when it may go on."""
    if problems:
        print(f"{file_name} 有 {len(problems)} 個問題，未變更任何資料：", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return False
    for note in notes:
        print(f"注意：{note}")
    return True


def refusing(handler):
    """Print a refusal as one line (or its problems) instead of a traceback, and exit 1."""

    @functools.wraps(handler)
    def run(args) -> int:
        try:
            return handler(args)
        except editing.Conflicted as error:
            print(f"未儲存：{error}", file=sys.stderr)
            for conflict in error.conflicts:
                print(f"  {conflict.label}", file=sys.stderr)
                print(f"    第 {error.base_version} 版：{shown(conflict.base)}", file=sys.stderr)
                print(f"    目前（第 {error.current} 版）：{shown(conflict.theirs)}", file=sys.stderr)
                print(f"    您的：{shown(conflict.mine)}", file=sys.stderr)
                if conflict.merged is not None:
                    print(f"    兩者合併：{shown(conflict.merged)}", file=sys.stderr)
            fields = "、".join(f"「{c.label}」" for c in error.conflicts)
            print(
                f"請決定{fields}的內容（可用上面的「兩者合併」），連同其他欄位以 --base-version {error.current} "
                "重新送出；只有對方修改的欄位會保留對方的內容。",
                file=sys.stderr,
            )
            return REFUSED
        except StaleEdit as error:
            print(f"未儲存：{error}", file=sys.stderr)
            for version in error.newer:
                print(f"  {version_line(version)}", file=sys.stderr)
                for line in change_lines(version):
                    print(f"    {line}", file=sys.stderr)
            return REFUSED
        except EditError as error:
            if len(error.problems) == 1:
                print(f"未儲存：{problem_text(error.problems[0])}", file=sys.stderr)
            else:
                print(f"未儲存，有 {len(error.problems)} 個問題：", file=sys.stderr)
                for problem in error.problems:
                    print(f"  - {problem_text(problem)}", file=sys.stderr)
            return REFUSED
        except (PermissionDenied, AccountError, build.StoreHasEdits, build.ImportInterrupted, ExportError) as error:
            print(error, file=sys.stderr)
            return REFUSED

    return run


def table(header: list[str], rows: list[tuple]) -> str:
    """Columns aligned for a terminal, counting a CJK character as two columns."""
    widths = [max(display_width(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [header, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(pad(str(cell), w) for cell, w in zip(line, widths)).rstrip() for line in lines)


def display_width(text: str) -> int:
    """Terminal columns of `text`: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def version_line(version) -> str:
    parts = [
        f"第 {version.version} 版",
        dates.roc_datetime(dates.in_taipei(version.recorded_at)),
        version.recorded_by,
        vocab.version_kind_label(version.kind),
    ]
    if version.reason:
        parts.append(f"原因：{version.reason}")
    return "｜".join(parts)


def change_lines(version) -> list[str]:
    return [f"{c.label}：{shown(c.old)} → {shown(c.new)}" for c in editing.changes_of(version)]


def shown(value) -> str:
    """A document value as one readable piece of text."""
    if value is None or value == [] or value == "":
        return "（空白）"
    if isinstance(value, list):
        return "、".join(f"{v.get('unit')}（{v.get('city')}）" if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, str):
        return f"「{value}」"
    return str(value)


def problem_text(problem) -> str:
    """A refused edit's problem with its field's Chinese label, the key (as --set takes it) after it:
    「（線上修改）｜112-J01｜欄位「提案名稱（title）」：必填欄位，不可空白」."""
    if isinstance(problem, Problem) and problem.file == EDIT_FILE:
        label = field_label(problem.field)
        named = f"{label}（{problem.field}）" if label != problem.field else problem.field
        return f"{problem.file}｜{problem.record}｜欄位「{named}」：{problem.message}"
    return str(problem)
