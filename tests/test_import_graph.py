"""The import graph (read with ast, nothing imported): imports point one way and never run in a circle.

The layers, top to bottom: the shells (app.py and app_pages/, the CLI's nianbao/cli.py and nianbao/commands/, a
package's __main__.py run by ``python -m``), the use cases (nianbao/usecases/), the LLM workflows (agents/), the
domain core (the rest of nianbao/). A module may import its own layer and those below, never one above; the
Streamlit shell (app.py and the pages) imports only the use cases and the report model. Every import counts, a
lazy one inside a function too; importing ``a.b.c`` from outside the package ``a.b`` also runs
``a/b/__init__.py``, so it counts as importing that package as well.

Read the same way: the process's settings are read only by the use cases' composition root
(container.configured_settings: the shells take them from it, everything below is handed them), and Streamlit,
LangChain, the OpenAI SDK and Chroma are imported only in their one place each.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("nianbao", "agents", "app_pages")
SHELL, USE_CASES, AGENTS, CORE = 3, 2, 1, 0
# What the Streamlit shell may know of the core besides the use cases: the report, its tables' layout, the errors
# (the package itself too: importing any of them runs nianbao/__init__.py).
REPORT_MODEL = ("nianbao", "nianbao.model", "nianbao.schema", "nianbao.errors")
STREAMLIT_SHELL = ("app", "app_pages")
LAYER_NAMES = {SHELL: "shell", USE_CASES: "use cases", AGENTS: "agents", CORE: "core"}
SHELLS = ("app_pages", "nianbao.cli", "nianbao.commands")


def module_files() -> dict[str, Path]:
    """Every module of the product by dotted name (a package by its own name)."""
    files = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


MODULES = module_files()


def is_shell(module: str) -> bool:
    """The Streamlit app and its pages, the ``nianbao`` command, and a package's ``__main__`` (``python -m``)."""
    return module == "app" or within(module, SHELLS) or module.endswith(".__main__")


def within(module: str, packages: tuple[str, ...]) -> bool:
    """``module`` is one of ``packages`` or lies in one."""
    return any(module == package or module.startswith(f"{package}.") for package in packages)


def layer(module: str) -> int:
    if is_shell(module):
        return SHELL
    if module.startswith("nianbao.usecases"):
        return USE_CASES
    return AGENTS if module.startswith("agents") else CORE


def known(name: str) -> str | None:
    """The product module ``name`` is, or lies in (``nianbao.model.Report`` → ``nianbao.model``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imported_names(module: str) -> Iterator[str]:
    """Every name the module imports, absolute, wherever the import statement stands."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield from (f"{base}.{alias.name}" for alias in node.names)


def imports_of(module: str) -> set[str]:
    """The product modules that importing ``module`` runs directly (packages on the way included)."""
    found: set[str] = set()
    for name in imported_names(module):
        target = known(name)
        if target is None:
            continue
        found.add(target)
        parent = target.rpartition(".")[0]
        while parent and not (module == parent or module.startswith(parent + ".")):
            found.add(parent)  # a package outside our own: its __init__ runs first
            parent = parent.rpartition(".")[0]
    found.discard(module)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def circles() -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []
    for root in GRAPH:
        if root in index:
            continue
        work = [(root, iter(sorted(GRAPH[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        while work:
            node, edges = work[-1]
            for target in edges:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    work.append((target, iter(sorted(GRAPH[target]))))
                    break
                if target in stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = stack[stack.index(node) :]
                    del stack[stack.index(node) :]
                    if len(group) > 1:
                        groups.append(sorted(group))
    return groups


def test_the_graph_is_read_from_every_package() -> None:
    assert {"app", "app_pages.common", "agents.llm", "nianbao.checker", "nianbao.cli"} <= set(GRAPH)
    assert "nianbao.model" in GRAPH["nianbao.checker"]
    assert "nianbao.readers" in GRAPH["nianbao.readers.guard"]  # a lazy import counts


def test_no_module_imports_itself_back_through_others() -> None:
    found = [(group, [f"{a} → {b}" for a in group for b in sorted(GRAPH[a]) if b in group]) for group in circles()]
    assert found == []


def streamlit_may_import(target: str) -> bool:
    """The use cases (and their modules), the report model's modules, and the shell's own modules."""
    return target in REPORT_MODEL or any(
        target == package or target.startswith(f"{package}.") for package in ("nianbao.usecases", *STREAMLIT_SHELL)
    )


def test_the_streamlit_shell_imports_only_the_use_cases_and_the_report_model() -> None:
    outside = [
        f"{module} → {target}"
        for module, targets in GRAPH.items()
        if module == "app" or module.startswith("app_pages")
        for target in sorted(targets)
        if not streamlit_may_import(target)
    ]
    assert outside == []


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        ("nianbao.usecases.drafting", True),
        ("nianbao.model", True),
        ("nianbao", True),
        ("app_pages.common", True),
        ("nianbao.claims.text", False),
        ("nianbao.access", False),
        ("nianbao.modelling", False),
        ("agents.llm", False),
    ],
)
def test_what_the_streamlit_shell_may_import(target: str, allowed: bool) -> None:
    assert streamlit_may_import(target) is allowed


@pytest.mark.parametrize("lower", [CORE, AGENTS, USE_CASES])
def test_no_layer_imports_a_layer_above_it(lower: int) -> None:
    upward = [
        f"{module} ({LAYER_NAMES[layer(module)]}) → {target} ({LAYER_NAMES[layer(target)]})"
        for module, targets in GRAPH.items()
        if layer(module) == lower
        for target in sorted(targets)
        if layer(target) > lower
    ]
    assert upward == []


# ---- settings are read at the top and passed down ----------------------------------------------------------

# Who may read this process's settings: their own module and the composition root of the use cases
# (container.configured_settings), from which the shells take them.
SETTINGS_HOMES = ("nianbao.settings", "nianbao.usecases.container")
SETTINGS_CALLS = {"get_settings", "Settings", "getenv"}  # and any use of os.environ


def reads_settings(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        return (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) in SETTINGS_CALLS
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def settings_read_in(module: str) -> list[str]:
    """Where ``module`` reads the settings itself (line: code), anywhere in it (a ``main`` too)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = [node for node in ast.walk(tree) if reads_settings(node)]
    return [f"{node.lineno}: {ast.unparse(node)}" for node in sorted(found, key=lambda n: (n.lineno, n.col_offset))]


def test_only_the_composition_root_reads_the_settings() -> None:
    readers = {
        module: settings_read_in(module)
        for module in MODULES
        if not within(module, SETTINGS_HOMES) and settings_read_in(module)
    }
    assert readers == {}


def test_every_python_m_entry_below_the_shells_is_its_packages_main() -> None:
    """A core module run as ``python -m`` would be a shell hidden in the core (its main read the settings)."""
    assert [module for module in MODULES if runs_as_main(module) and not is_shell(module)] == []


def runs_as_main(module: str) -> bool:
    """The module has ``if __name__ == "__main__":`` at its top level."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    return any(isinstance(top, ast.If) and "__main__" in ast.unparse(top.test) for top in tree.body)


def test_the_entry_check_sees_a_python_m_entry() -> None:
    assert runs_as_main("nianbao.cli") and runs_as_main("nianbao.localmodel.__main__")
    assert not runs_as_main("nianbao.readers.guard")  # it only explains the idiom in a docstring


PROBE = """import os
from nianbao.settings import Settings, get_settings

def limit():
    return get_settings().max_file_mb

def fresh():
    return Settings().data_dir, os.environ["HOME"], os.getenv("HOME")

def main():
    return get_settings()
"""


@pytest.mark.parametrize("run_as_main", [False, True])
def test_the_settings_check_sees_every_way_of_reading_them(tmp_path: Path, run_as_main: bool) -> None:
    MODULES["probe"] = tmp_path / "probe.py"
    MODULES["probe"].write_text(PROBE + ('if __name__ == "__main__":\n    main()\n' if run_as_main else ""))
    try:
        found = settings_read_in("probe")
    finally:
        del MODULES["probe"]
    assert found == [
        "5: get_settings()",
        "8: Settings()",
        "8: os.environ",
        "8: os.getenv('HOME')",
        "11: get_settings()",
    ]


@pytest.mark.parametrize(
    ("module", "shell"),
    [
        ("nianbao.localmodel.__main__", True),
        ("nianbao.commands.check", True),
        ("app", True),
        ("nianbao.localmodel", False),
        ("nianbao.usecases.container", False),
        ("nianbao.cli_helpers", False),
    ],
)
def test_what_counts_as_a_shell(module: str, shell: bool) -> None:
    assert is_shell(module) is shell


# ---- no import by a string ----------------------------------------------------------------------------------

BY_NAME = {"import_module", "__import__"}  # always a name the graph cannot see
RUN_BY_NAME = {"run_module", "find_spec"}  # fine for other packages (the model's parts, the server), not for ours


def string_imports_in(module: str) -> list[str]:
    """The calls in ``module`` that import (or run) a module by its name: one of ours, or any by import_module."""
    found = []
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        first = node.args[0] if node.args else None
        ours = isinstance(first, ast.Constant) and isinstance(first.value, str) and known(first.value) is not None
        if name in BY_NAME or (name in RUN_BY_NAME and ours):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_is_imported_by_a_string() -> None:
    assert {module: found for module in MODULES if (found := string_imports_in(module))} == {}


def test_the_string_import_check_sees_them(tmp_path: Path) -> None:
    MODULES["probe"] = tmp_path / "probe.py"
    MODULES["probe"].write_text(
        "import importlib, runpy\n"
        "importlib.import_module('nianbao.checker')\n"
        "runpy.run_module('nianbao.cli')\n"
        "importlib.util.find_spec('llama_cpp')\n"
    )
    try:
        found = string_imports_in("probe")
    finally:
        del MODULES["probe"]
    assert found == ["2: importlib.import_module('nianbao.checker')", "3: runpy.run_module('nianbao.cli')"]


# ---- heavy libraries stay in their one place ---------------------------------------------------------------

# Who may import each library: the UI library in the Streamlit shell, LangChain in agents/, the chat model's
# SDK in the one module that builds it (and the embeddings client, which calls the same SDK's embeddings), Chroma
# in the vector store (and the embedder, which implements Chroma's embedding-function interface).
LIBRARY_HOMES = {
    "streamlit": ("app", "app_pages"),
    "langchain_core": ("agents",),
    "langchain_openai": ("agents.llm",),
    "openai": ("agents.llm", "nianbao.kb.embeddings"),
    "chromadb": ("nianbao.kb.store", "nianbao.kb.embeddings"),
}


def library_imports() -> dict[str, set[str]]:
    """For each library of LIBRARY_HOMES, the product modules that import it (lazily too)."""
    found: dict[str, set[str]] = {library: set() for library in LIBRARY_HOMES}
    for module in MODULES:
        for name in imported_names(module):
            library = name.partition(".")[0]
            if library in found:
                found[library].add(module)
    return found


def test_each_heavy_library_is_imported_only_in_its_home() -> None:
    strays = {
        library: sorted(m for m in modules if not any(m == h or m.startswith(f"{h}.") for h in LIBRARY_HOMES[library]))
        for library, modules in library_imports().items()
    }
    assert {library: modules for library, modules in strays.items() if modules} == {}


def test_the_library_check_sees_the_imports_it_guards() -> None:
    found = library_imports()
    assert "app" in found["streamlit"] and "agents.llm" in found["langchain_openai"]
    assert "nianbao.kb.store" in found["chromadb"]  # imported inside a function: counted too
