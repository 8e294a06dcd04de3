"""Keep the message catalogs in step with the code (Babel): `python scripts/catalogs.py`.

Extracts every declared message (i18n.py says how one is declared) from newsroom/, merges
them into each language's .po (new messages untranslated,
gone ones dropped, translations kept), compiles the .mo files the engine reads, and lists the
messages that still need a translation, and any message written as an f-string (which no
catalog can hold: pass the values as keywords instead). `--check` changes nothing and exits 1
if anything is out of step (tests/test_i18n.py runs it).
"""

from __future__ import annotations

import ast
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "newsroom"
LOCALE = PACKAGE / "locale"
LANGUAGES = ("zh_CN",)
# The functions that take a message, and which of their arguments it is (1-based).
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
KEYWORDS = {"error": (3,), "warning": (3,), "repaired": (2,), "tr": (2,), "ntr": (2, 3), "N_": None,
            "err": (1,), "warn": (1,), "_FrontMatterError": (2,), "YamlError": (2,), "DateError": (1,),
            "Explained": (1,), "OutputError": (1,), "CacheError": (1,), "LockError": (1,), "PublishError": (1,),
            "ClusterError": (1,), "TooLarge": (1,), "NoUrl": (1,)}


def extract() -> Catalog:
    template = Catalog(project="newsroom", domain="newsroom", fuzzy=False)
    for file, line, message, comments, context in extract_from_dir(PACKAGE, keywords=KEYWORDS):
        template.add(message, locations=[(f"newsroom/{file}", line)], auto_comments=comments, context=context)
    return template


def f_strings() -> list[str]:
    """Messages written as f-strings: their text differs for every value, so no catalog can match them."""
    found = []
    for file in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEYWORDS):
                continue
            positions = KEYWORDS[node.func.id] or (1,)
            for pos in positions:
                if len(node.args) >= pos and isinstance(node.args[pos - 1], (ast.JoinedStr, ast.BinOp)):
                    found.append(f"{file.relative_to(REPO)}:{node.lineno}: {node.func.id}() with a message "
                                 "built from pieces (an f-string or +): use {placeholders} and keyword values")
    return found


def merged(lang: str, template: Catalog) -> Catalog:
    po = LOCALE / lang / "LC_MESSAGES" / "newsroom.po"
    if po.exists():
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang)
    else:
        catalog = Catalog(locale=lang, project="newsroom", domain="newsroom", fuzzy=False)
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    return catalog


def untranslated(catalog: Catalog) -> list[str]:
    return [m.id if isinstance(m.id, str) else m.id[0] for m in catalog
            if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]


def compiled(po: bytes, lang: str) -> bytes:
    """The .mo for a .po file's bytes; the same bytes every time (no dates in its header)."""
    catalog = read_po(io.BytesIO(po), locale=lang)
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    return _bytes(write_mo, catalog)


def _bytes(write, catalog: Catalog, **kw) -> bytes:
    buffer = io.BytesIO()
    write(buffer, catalog, **kw)
    return buffer.getvalue()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    template = extract()
    problems = f_strings()
    files: dict[Path, bytes] = {}
    for lang in LANGUAGES:
        catalog = merged(lang, template)
        problems += [f"{lang}: not translated: {m!r}" for m in untranslated(catalog)]
        folder = LOCALE / lang / "LC_MESSAGES"
        po = files[folder / "newsroom.po"] = _bytes(write_po, catalog, omit_header=True, sort_output=True, no_location=True)
        files[folder / "newsroom.mo"] = compiled(po, lang)
    stale = [path for path, data in files.items() if not path.exists() or path.read_bytes() != data]
    if check:
        problems += [f"{path.relative_to(REPO)} is out of date: run python scripts/catalogs.py" for path in stale]
    else:
        for path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(files[path])
            print(f"wrote {path.relative_to(REPO)}")
    print("\n".join(problems) or "catalogs complete", file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
