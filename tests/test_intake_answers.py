"""Her answer to “依申请公开还有 26 个单元格没有提到，按 0 填写吗？”, as clerks type it."""

from __future__ import annotations

import pytest

from nianbao.intake.reading import accepts

YES = [
    "好",
    "好的，谢谢",
    "对，都是0",
    "是的，其余都是0",
    "没有了",
    "其他都没有",
    "都是零",
    "可以，按0填",
    "嗯嗯",
    "OK",
    "全部填0",
]
NOT_YES = ["不用了", "不对", "不是0", "自然人3件", "10", "好，予以公开3件", "不好", "部分公开没有"]


@pytest.mark.parametrize("answer", YES)
def test_a_yes_in_her_words_takes_the_zeros(answer: str) -> None:
    assert accepts(answer)


@pytest.mark.parametrize("answer", NOT_YES)
def test_figures_or_a_no_are_not_taken_for_yes(answer: str) -> None:
    assert not accepts(answer)
