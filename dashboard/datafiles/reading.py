"""Read the files of data/ so that no file, however broken, ends in a traceback.

Clerks edit these files in Excel or a text editor; the usual accidents are a Big5 save, a folder
where a file belongs, a stray cell or a pasted control character. Each becomes a Problem naming
the file (and line and field where there is one). YAML is read without aliases, which an
"alias bomb" expands exponentially, and with repeated keys refused, which PyYAML would
otherwise resolve silently by keeping the last.
"""

import codecs
import csv
import io
from pathlib import Path

import yaml
from yaml.constructor import ConstructorError

from dashboard.domain.problems import WHOLE_FILE, Problem
from dashboard.domain.text import MAX_BYTES, NUL_STAND_IN, text_problem


def rel_path(path: Path, root: Path) -> str:
    """The path as the clerk knows it: from the data folder's own name."""
    try:
        return str(Path(root.name) / path.relative_to(root))
    except ValueError:
        return str(path)


def read_text(path: Path, file: str, problems: list[Problem]) -> str | None:
    """The file's text, or None with the reason added to problems."""

    def fail(message: str, record: str = WHOLE_FILE) -> None:
        problems.append(Problem(file, record, "-", message))

    try:
        if not path.exists():
            return fail("找不到檔案")
        if path.is_dir():
            return fail("這裡應是檔案，卻是資料夾；請移除資料夾，放入檔案")
        if not path.is_file():
            return fail("不是一般檔案")
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except PermissionError:
        return fail("沒有讀取這個檔案的權限")
    except OSError as error:
        return fail(f"無法讀取檔案（{error.strerror or error}）")
    if len(raw) > MAX_BYTES:
        return fail(f"檔案超過 {MAX_BYTES // 1024 // 1024} MB，不像是這份資料；請確認放對了檔案")
    return _decode(raw, fail)


def _decode(raw: bytes, fail) -> str | None:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return fail("檔案是 UTF-16 編碼；請另存為 UTF-8 編碼後再試")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        hint = "看來是 Big5（cp950）編碼；" if _is_big5(raw) else ""
        return fail(f"不是 UTF-8 編碼，第 {line} 行起無法辨識；{hint}請另存為 UTF-8 編碼後再試", f"第 {line} 行")


def _is_big5(raw: bytes) -> bool:
    try:
        raw.decode("cp950")
    except UnicodeDecodeError:
        return False
    return True


def read_csv(
    path: Path,
    root: Path,
    columns: tuple[str, ...],
    problems: list[Problem],
    rows_required: bool = False,
    optional: tuple[str, ...] = (),
) -> list[tuple[str, dict]] | None:
    """Rows labelled by their line, as a spreadsheet user counts lines; None when the file as a
    whole is unusable (unreadable, empty, header without the expected columns). `optional`
    columns may be there or not."""
    file = rel_path(path, root)
    text = read_text(path, file, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader, [])]
        if not any(header):
            problems.append(Problem(file, WHOLE_FILE, "-", f"檔案是空的；第一行應為標題列：{','.join(columns)}"))
            return None
        if not _header_ok(header, columns, file, problems, optional):
            return None
        rows = _rows(reader, header, file, problems)
    except csv.Error as error:
        problems.append(Problem(file, f"第 {reader.line_num} 行", "-", _csv_error(error)))
        return None
    if rows_required and not rows:
        problems.append(Problem(file, WHOLE_FILE, "-", "檔案只有標題列，沒有任何資料"))
        return None
    return rows


def _header_ok(
    header: list[str], columns: tuple[str, ...], file: str, problems: list[Problem], optional: tuple[str, ...] = ()
) -> bool:
    """Reports every header fault; False when a column is missing, so no row can be read."""
    before = len(problems)
    allowed = (*columns, *optional)
    missing = [name for name in columns if name not in header]
    if missing:
        problems.append(
            Problem(
                file, "第 1 行（標題列）", "-", f"缺少欄位：{'、'.join(missing)}（標題列應為：{','.join(columns)}）"
            )
        )
    for position, name in enumerate(header, start=1):
        trouble = text_problem(name)
        if trouble:
            problems.append(Problem(file, "第 1 行（標題列）", f"第 {position} 欄", trouble))
        elif name not in allowed:
            problems.append(
                Problem(
                    file, "第 1 行（標題列）", name or f"第 {position} 欄", f"未知的欄位；可用：{','.join(allowed)}"
                )
            )
        elif header.index(name) != position - 1:
            problems.append(Problem(file, "第 1 行（標題列）", name, "欄位重複出現"))
    return not missing and len(problems) == before


def _rows(reader, header: list[str], file: str, problems: list[Problem]) -> list[tuple[str, dict]]:
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, or the empty row Excel leaves at the end
        label = f"第 {number} 行"
        if len(cells) != len(header):
            problems.append(Problem(file, label, "-", _cell_count(cells, header)))
        row = dict(zip(header, cells + [""] * (len(header) - len(cells))))
        for name, value in row.items():
            trouble = text_problem(value)
            if trouble:
                problems.append(Problem(file, label, name, trouble))
        rows.append((label, row))
    return rows


def _cell_count(cells: list[str], header: list[str]) -> str:
    if len(cells) > len(header):
        extra = "、".join(f"「{cell[:20]}」" for cell in cells[len(header) :][:3])
        return f"這一行有 {len(cells)} 格，比標題列的 {len(header)} 欄多（多出：{extra}）；請檢查是否多了逗號"
    missing = "、".join(header[len(cells) :])
    cause = "引號沒有成對" if any("\n" in cell for cell in cells) else "少了逗號"
    return f"這一行只有 {len(cells)} 格，標題列有 {len(header)} 欄（缺少：{missing}）；請檢查是否{cause}"


def _csv_error(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return f"有一格超過 {csv.field_size_limit()} 個字元，可能是引號沒有成對"
    return f"CSV 格式錯誤（{error}）"


class _DuplicateKey(ConstructorError):
    def __init__(self, key: str, first, again):
        super().__init__(
            None, None, f"欄位「{key}」重複出現（第 {first.line + 1} 行與第 {again.line + 1} 行）；請只保留一個", again
        )
        self.key = key


class StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader without aliases and without repeated keys."""

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects or node in self.recursive_objects:
            raise ConstructorError(
                None, None, "不接受 YAML 別名（*名稱）與錨點（&名稱）；請把內容直接寫出", node.start_mark
            )
        return super().construct_object(node, deep)

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise _DuplicateKey(key_node.value, seen[key], key_node.start_mark)
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep)


def read_yaml(path: Path, root: Path, problems: list[Problem]) -> dict | None:
    """The file's mapping, or None with the reason added to problems."""
    file = rel_path(path, root)
    text = read_text(path, file, problems)
    if text is None:
        return None
    try:
        data = yaml.load(text.replace("\x00", NUL_STAND_IN), Loader=StrictLoader)
    except yaml.YAMLError as error:
        problems.append(_yaml_problem(error, text, file))
        return None
    if data is None:
        problems.append(Problem(file, WHOLE_FILE, "-", "檔案是空的"))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(file, WHOLE_FILE, "-", "內容應為欄位與值的對應（mapping），例如「title: 名稱」"))
        return None
    return data


def _yaml_problem(error: yaml.YAMLError, text: str, file: str) -> Problem:
    if isinstance(error, yaml.reader.ReaderError):
        # libyaml gives the code point and a byte offset, PyYAML a character and its index
        code = error.character if isinstance(error.character, int) else ord(error.character)
        line = text.count("\n", 0, max(text.find(chr(code)), 0)) + 1
        return Problem(file, f"第 {line} 行", "-", f"含有不允許的控制字元（U+{code:04X}），請刪除該字元")
    mark = getattr(error, "problem_mark", None)
    where = f"第 {mark.line + 1} 行" if mark else WHOLE_FILE
    return Problem(
        file, where, getattr(error, "key", "-"), f"YAML 格式錯誤：{getattr(error, 'problem', None) or error}"
    )
