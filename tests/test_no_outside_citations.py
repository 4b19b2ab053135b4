"""Comments and docstrings say the rule itself: none cites a document outside the repository.

The contract and the domain notes the project was built against live outside this repository, so a comment
that says "see CONTRACT §3" tells a reader of the code nothing. A comment may point at `docs/` instead.
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITATION = re.compile(r"\b(CONTRACT|DOMAIN|STYLE)(\.md)?\s*§|\b(CONTRACT|DOMAIN|STYLE)\.md\b|shared/(CONTRACT|DOMAIN|STYLE)")
SKIP = {".venv", "var", "staticfiles", "node_modules", ".git"}


def _sources():
    for path in ROOT.rglob("*"):
        if path.suffix in {".py", ".html", ".js", ".css"} and not SKIP & set(path.relative_to(ROOT).parts):
            yield path


def test_no_comment_cites_a_document_outside_the_repository():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _sources()
        if path.name != Path(__file__).name
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if CITATION.search(line)
    ]
    assert not found, "state the rule, or point at docs/:\n" + "\n".join(found)
