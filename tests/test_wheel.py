"""A wheel of the project, installed outside the checkout, checks a report and loads the shipped corpus.

prompts/ and corpus/ sit at the top of the repository; the wheel must carry them as package data
(nianbao.resources), or an installed ``nianbao`` finds neither.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CORPUS = sorted(p.name for p in (ROOT / "corpus").iterdir() if p.is_file())
NOT_SOURCE = (".git", ".venv", "build", "data", "test-artifacts", "*.egg-info", "__pycache__", ".*_cache")
SHIPPED_PROMPTS = sorted(p.name for p in (ROOT / "prompts").iterdir() if p.suffix == ".md")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the checkout with the wheel installed; its dependencies from this venv (offline)."""
    pytest.importorskip("wheel", reason="building the wheel offline needs the dev extra 'wheel' (make install)")
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy: setuptools leaves build/ in the tree it builds, stale files and all
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(work)]
    built = subprocess.run([*build, str(source)], cwd=work, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next(work.glob("nianbao-*.whl"))
    target = work / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    site = Path(sysconfig.get_paths(vars={"base": str(target), "platbase": str(target)})["purelib"])
    # A plain path line: this venv's packages are importable, its .pth files (the editable nianbao) are not run.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install = [sys.executable, "-m", "pip", "--python", str(target / "bin" / "python"), "install", "--no-deps", "-q"]
    subprocess.run([*install, str(wheel)], check=True, cwd=work, capture_output=True, timeout=300)
    return target


def run_installed(target: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NIANBAO_DATA_DIR": str(cwd / "data"), "PYTHONPATH": ""}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    code = "import nianbao, agents; print(nianbao.__file__); print(agents.__file__)"
    result = run_installed(installed, str(installed / "bin" / "python"), "-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert all(line.startswith(str(installed)) for line in result.stdout.split())


def test_the_wheel_carries_the_prompts_and_the_corpus(installed: Path, tmp_path: Path) -> None:
    code = (
        "from nianbao.resources import folder\n"
        "for name in ('prompts', 'corpus'):\n"
        "    print(name, *sorted(p.name for p in folder(name).iterdir()), sep='|')\n"
        "from nianbao.resources import prompt_text\n"
        "assert '$' in prompt_text('draft_part')\n"
    )
    result = run_installed(installed, str(installed / "bin" / "python"), "-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    listed = dict(line.split("|", 1) for line in result.stdout.splitlines())
    assert set(SHIPPED_PROMPTS) <= set(listed["prompts"].split("|"))
    assert set(SHIPPED_CORPUS) <= set(listed["corpus"].split("|"))
    assert str(ROOT) not in result.stdout


def test_the_installed_command_checks_a_report(installed: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_bytes((ROOT / "corpus" / "luyi_2021.txt").read_bytes())
    result = run_installed(installed, str(installed / "bin" / "nianbao"), "check", str(report), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "鹿邑县人民政府 2021 年度报告" in result.stdout


def test_the_installed_command_loads_the_shipped_corpus(installed: Path, tmp_path: Path) -> None:
    result = run_installed(installed, str(installed / "bin" / "nianbao"), "kb", "load-corpus", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("[已添加]") == len(SHIPPED_CORPUS)


def test_the_installed_wheel_writes_the_review_page_from_its_template(installed: Path, tmp_path: Path) -> None:
    page, report = tmp_path / "review.html", ROOT / "corpus" / "luyi_2021.txt"
    nianbao = str(installed / "bin" / "nianbao")
    result = run_installed(installed, nianbao, "review", str(report), "--html", str(page), cwd=tmp_path)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    assert "政府信息公开工作年度报告审阅" in page.read_text(encoding="utf-8")


def test_the_installed_command_writes_the_review_page_from_its_template(installed: Path, tmp_path: Path) -> None:
    report, page = tmp_path / "report.txt", tmp_path / "review.html"
    report.write_bytes((ROOT / "corpus" / "luyi_2021.txt").read_bytes())
    command = [str(installed / "bin" / "nianbao"), "review", str(report), "--html", str(page)]
    result = run_installed(installed, *command, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "鹿邑县人民政府" in page.read_text(encoding="utf-8")
