"""docs/contributing.md and the README's layout section describe the real tree: every path they
name exists, every file a folder row lists is in that folder, and every hil/ and firmware/
folder is on the map."""

from __future__ import annotations

import re

from hil import paths

ROOT = paths.REPO_ROOT
MAP = ROOT / "docs" / "contributing.md"
TOP = ("hil/", "firmware/", "tests/", "test_suites/", "models/", "docs/", "bench/", "baselines/")
TICKED = re.compile(r"`([^`]+)`")


def _concrete(name: str) -> bool:
    return not any(c in name for c in "<*> ") and "(" not in name


def _readme_layout() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Layout and documentation")
    return text[start:text.index("\n## ", start + 1) if "\n## " in text[start + 1:] else None]


def test_every_path_named_exists():
    named = {n.split("::")[0] for text in (MAP.read_text(), _readme_layout()) for n in TICKED.findall(text)
             if n.startswith(TOP) and _concrete(n)}
    missing = sorted(n for n in named if not (ROOT / n).exists())
    assert not missing, f"docs/contributing.md or the README's layout names missing paths: {missing}"


def test_the_files_of_each_folder_row_are_in_that_folder():
    missing = []
    for line in MAP.read_text().splitlines():
        cells = line.split("|")
        if len(cells) < 4 or not TICKED.fullmatch(cells[1].strip() or "-"):
            continue
        folder = TICKED.fullmatch(cells[1].strip()).group(1)
        if not (folder.endswith("/") and _concrete(folder)):
            continue
        for name in TICKED.findall(cells[2]):
            if _concrete(name) and "/" not in name and re.search(r"\.(py|c|h|toml|def|cmake)$", name):
                if not (ROOT / folder / name).exists():
                    missing.append(folder + name)
    assert not missing, f"docs/contributing.md lists files that are not there: {missing}"


def test_every_folder_is_on_the_map():
    text = MAP.read_text()
    folders = [p for p in (ROOT / "hil").iterdir() if (p / "__init__.py").is_file()]
    folders += [p for p in (ROOT / "firmware").iterdir() if p.is_dir() and p.name not in ("cmake", "examples")]
    absent = sorted(str(p.relative_to(ROOT)) for p in folders if f"`{p.relative_to(ROOT)}/" not in text)
    assert not absent, f"docs/contributing.md does not say what lives in {absent}"
