"""The ``nianbao`` subcommands: one module each, ``nianbao.commands.<name>``, with ``register(subparsers)``.

Their one-line help is here, so ``nianbao --help`` lists every command without importing any (the
command modules import the readers, the checker or the knowledge base: a second of imports for a help text).
"""

COMMANDS = {
    "check": "核对报告中的每一个数字",
    "cells": "以 CSV 输出全部表格单元格",
    "kb": "往年报告知识库：添加、检索、历年数字",
    "draft": "根据本年度数据和往年报告起草年度报告",
    "review": "审阅报告：对照标准格式和上年报告",
}
