"""The command line's argument parser, speaking Chinese: argparse writes its usage line and its
errors (a missing argument, an unknown command, a value that is not a number…) in English, which
the clerks who run these commands do not read. Messages argparse may add in a later version, and
those not listed here, are shown as they are."""

import argparse
import re
import sys

USAGE = "用法："
ERROR = "錯誤"
COMMAND_DEST = "command"  # the subcommand's argument, named 指令 in messages

# argparse's messages (Python 3.11-3.13), as patterns, and what the user reads instead.
_MESSAGES = [
    (re.compile(rf"the following arguments are required: {COMMAND_DEST}"), "缺少指令；加上 -h 可列出所有指令"),
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "缺少必要的參數：{names}"),
    (re.compile(r"one of the arguments (?P<names>.+) is required"), "須指定下列其中一個參數：{names}"),
    (re.compile(r"unrecognized arguments: (?P<names>.+)"), "無法辨識的參數：{names}"),
    (
        re.compile(rf"argument {COMMAND_DEST}: invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"),
        "沒有指令 {value}；可用的指令：{choices}",
    ),
    (
        re.compile(r"argument (?P<name>.+?): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)"),
        "參數 {name} 不可為 {value}；可用的選項：{choices}",
    ),
    (re.compile(r"argument (?P<name>.+?): invalid int value: (?P<value>.+)"), "參數 {name} 應為整數，不是 {value}"),
    (re.compile(r"argument (?P<name>.+?): invalid float value: (?P<value>.+)"), "參數 {name} 應為數字，不是 {value}"),
    (re.compile(r"argument (?P<name>.+?): invalid \w+ value: (?P<value>.+)"), "參數 {name} 的值 {value} 無效"),
    (re.compile(r"argument (?P<name>.+?): expected one argument"), "參數 {name} 後面須接一個值"),
    (re.compile(r"argument (?P<name>.+?): expected at least one argument"), "參數 {name} 後面須接至少一個值"),
    (
        re.compile(r"argument (?P<name>.+?): not allowed with argument (?P<other>.+)"),
        "參數 {name} 不可與 {other} 同時使用",
    ),
    (
        re.compile(r"ambiguous option: (?P<name>\S+) could match (?P<choices>.+)"),
        "參數 {name} 不明確，可能是：{choices}",
    ),
    (re.compile(r"argument (?P<name>.+?): (?P<message>.+)"), "參數 {name}：{message}"),  # our own types' messages
]


def translate(message: str) -> str:
    """argparse's English message in Chinese (unchanged when it is not one of the known ones)."""
    for pattern, chinese in _MESSAGES:
        match = pattern.fullmatch(message)
        if match:
            return chinese.format(**match.groupdict())
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, USAGE if prefix is None else prefix)


class CommandParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage, -h and errors are in Chinese; its subcommands' parsers too
    (add_subparsers makes them of the parser's own class)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        # argparse titles its two default groups in English and offers no setting for them.
        self._positionals.title = "位置參數"
        self._optionals.title = "選項"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="顯示此說明後結束")

    def error(self, message: str):
        """Print the usage and the message in Chinese, then exit 2 (as argparse does)."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{ERROR}：{translate(message)}\n")
