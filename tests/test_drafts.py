"""The draft store: drafts survive a restart, users never see each other's, rename/duplicate/delete."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from nianbao.drafts import ChatMessage, DraftNotFoundError, DraftStore, new_user_key, next_year_report
from nianbao.errors import InvalidInputError
from nianbao.model import Part
from nianbao.readers import read_report
from nianbao.schema import REQUEST_COLUMNS, TableId

REQ = TableId.REQUESTS


@pytest.fixture
def store(tmp_path: Path) -> DraftStore:
    return DraftStore.in_data_dir(tmp_path)


@pytest.fixture
def seed_report(seed_path: Path):
    return read_report(seed_path)


def test_a_saved_draft_comes_back_from_a_new_store_object(tmp_path, store, seed_report):
    user = new_user_key()
    draft = store.create(user, seed_report, chat=[ChatMessage(role="user", content="今年共收到申请258件")])
    draft.report.set_value(REQ, "一", "自然人", 999)
    store.save(draft)

    reopened = DraftStore.in_data_dir(tmp_path).get(user, draft.id)

    assert reopened.report.value(REQ, "一", "自然人") == 999
    assert reopened.chat[0].content == "今年共收到申请258件"
    assert reopened.report.model_dump() == draft.report.model_dump()


def test_a_saved_draft_comes_back_in_another_process(tmp_path, store, seed_report):
    user = new_user_key()
    draft = store.create(user, seed_report, name="测试草稿")
    code = (
        "import sys; from nianbao.drafts import DraftStore;"
        "d = DraftStore.in_data_dir(sys.argv[1]).get(sys.argv[2], sys.argv[3]);"
        "print(d.name, d.report.agency, d.report.year)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), user, draft.id], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["测试草稿", seed_report.agency, str(seed_report.year)]


def test_a_process_killed_in_the_middle_of_a_save_keeps_the_previous_version(tmp_path, store, seed_report):
    user = new_user_key()
    draft = store.create(user, seed_report, name="第一版")
    code = (
        "import os, sys; from nianbao.drafts import DraftStore;"
        "s = DraftStore.in_data_dir(sys.argv[1]);"
        "ctx = s._transaction(); conn = ctx.__enter__();"
        "conn.execute(\"UPDATE drafts SET name = '半截', report_json = '{' WHERE id = ?\", (sys.argv[2],));"
        "os._exit(9)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path), draft.id], check=False)
    assert result.returncode == 9

    survived = DraftStore.in_data_dir(tmp_path).get(user, draft.id)
    assert survived.name == "第一版"
    assert survived.report.model_dump() == seed_report.model_dump()


def test_users_never_see_each_others_drafts(store, seed_report):
    alice, bob = new_user_key(), new_user_key()
    mine = store.create(alice, seed_report, name="甲的草稿")

    assert [d.name for d in store.list_drafts(alice)] == ["甲的草稿"]
    assert store.list_drafts(bob) == []
    with pytest.raises(DraftNotFoundError):
        store.get(bob, mine.id)
    with pytest.raises(DraftNotFoundError):
        store.delete(bob, mine.id)
    with pytest.raises(DraftNotFoundError):
        store.save(mine.model_copy(update={"user_key": bob}))
    assert store.get(alice, mine.id).name == "甲的草稿"


def test_concurrent_users_saving_at_once_keep_their_own_drafts(store, seed_report):
    users = [new_user_key() for _ in range(8)]
    errors: list[BaseException] = []

    def work(index: int, user: str) -> None:
        try:
            draft = store.create(user, seed_report, name=f"草稿{index}")
            for value in range(10):
                draft.report.set_value(REQ, "一", "自然人", index * 100 + value)
                draft = store.save(draft)
        except BaseException as e:  # collected and re-raised in the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i, u)) for i, u in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    for index, user in enumerate(users):
        (info,) = store.list_drafts(user)
        assert info.name == f"草稿{index}"
        assert store.get(user, info.id).report.value(REQ, "一", "自然人") == index * 100 + 9


def test_rename_changes_only_the_name(store, seed_report):
    user = new_user_key()
    draft = store.create(user, seed_report)
    renamed = store.rename(user, draft.id, "  鹿邑 2021 定稿  ")
    assert renamed.name == "鹿邑 2021 定稿"
    assert store.get(user, draft.id).report.model_dump() == seed_report.model_dump()


def test_an_empty_name_is_refused(store, seed_report):
    user = new_user_key()
    draft = store.create(user, seed_report)
    with pytest.raises(InvalidInputError):
        store.rename(user, draft.id, "   ")


def test_duplicate_as_next_year_carries_four_into_two_and_keeps_the_narrative(store, seed_report):
    user = new_user_key()
    for offset, column in enumerate(REQUEST_COLUMNS):
        seed_report.set_value(REQ, "四", column, offset + 1)
    draft = store.create(user, seed_report)

    following = store.duplicate_as_next_year(user, draft.id)

    assert following.id != draft.id
    assert following.year == seed_report.year + 1
    assert following.agency == seed_report.agency
    assert [following.report.value(REQ, "二", c) for c in REQUEST_COLUMNS] == list(range(1, 8))
    assert following.report.value(REQ, "一", "自然人") is None
    assert [p.text for p in following.report.parts] == [p.text for p in seed_report.parts]
    assert len(store.list_drafts(user)) == 2
    assert store.get(user, draft.id).year == seed_report.year


def test_next_year_title_says_the_new_year(seed_report):
    seed_report.title = "鹿邑县人民政府2021年政府信息公开工作年度报告"
    seed_report.parts = [Part(number="一", heading="一、总体情况", text="2021年，我县……")]
    assert next_year_report(seed_report).title == "鹿邑县人民政府2022年政府信息公开工作年度报告"


def test_delete_removes_the_draft(store, seed_report):
    user = new_user_key()
    draft = store.create(user, seed_report)
    store.delete(user, draft.id)
    assert store.list_drafts(user) == []
    with pytest.raises(DraftNotFoundError):
        store.get(user, draft.id)


@pytest.mark.parametrize("key", ["", "short", "has space in it", "../../etc/passwd", "x" * 65])
def test_an_invalid_user_key_is_refused(store, key):
    with pytest.raises(InvalidInputError):
        store.list_drafts(key)


def test_a_personal_code_is_made_once_per_user_and_opens_only_that_users_drafts(tmp_path):
    from nianbao.drafts import CODE_ALPHABET, DraftStore, new_user_key

    store = DraftStore.in_data_dir(tmp_path)
    her, him = new_user_key(), new_user_key()
    code = store.personal_code(her)

    assert re.fullmatch(f"[{CODE_ALPHABET}]{{4}}-[{CODE_ALPHABET}]{{4}}", code)
    assert store.personal_code(her) == code  # the same code every time she asks
    assert store.personal_code(him) != code
    assert store.user_for_code(code) == her
    assert store.user_for_code(code.lower().replace("-", "")) == her  # as typed: any case, dash or not
    assert store.user_for_code(code.replace("-", " － ")) == her
    assert store.user_for_code("ABCD-EFG") is None and store.user_for_code("") is None
    assert store.user_for_code("0000-0000") is None  # not of the alphabet (0 and O look alike)
    assert DraftStore.in_data_dir(tmp_path).user_for_code(code) == her  # kept in the file
