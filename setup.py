"""Build step that pyproject.toml cannot say: copy prompts/ and corpus/ into the package (nianbao.resources).

The folders stay at the top of the repository (where people edit them); a wheel carries them as package data.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("prompts", "corpus")


class BuildWithResources(build_py):
    """build_py, plus the shipped folders under nianbao/resources/."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # an editable install reads the repository's folders
            return
        for name in SHIPPED:
            self.copy_tree(name, str(Path(self.build_lib) / "nianbao" / "resources" / name))


setup(cmdclass={"build_py": BuildWithResources})
