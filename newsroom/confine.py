"""Only the archive is published: symbolic links that lead out of their folder are refused.

A link in content/, templates/ (static/ included) or photos/ to a file elsewhere
(`ln -s /etc/passwd templates/static/passwd.txt`) would put that file, or what is read
from it, into the public site. Links that stay inside their folder are fine. Folders are
walked without following links, so a linked folder is reported once, as itself.
"""

from __future__ import annotations

import os
from pathlib import Path

from .problems import Problem, error, shown


def escaping(folder: Path, links: list[str] | None = None) -> list[Path]:
    """Every symbolic link under `folder` whose target is not inside `folder`, sorted.
    `links`: the links under it and elsewhere, if the caller has walked it already (the
    input scan: a second walk of 100,000 files was 0.04 s of every edit)."""
    if not folder.is_dir():
        return []
    inside = folder.resolve()
    if links is not None:
        prefix = str(folder) + os.sep
        return sorted(Path(link) for link in links if link.startswith(prefix)
                      and not Path(os.path.realpath(link)).is_relative_to(inside))
    found = []
    stack = [str(folder)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        if not Path(os.path.realpath(entry.path)).is_relative_to(inside):
                            found.append(Path(entry.path))
                    elif entry.is_dir():
                        stack.append(entry.path)
        except OSError:
            continue
    return sorted(found)


def problems(folders: list[tuple[Path, str]], root: Path, links: list[str] | None = None) -> list[Problem]:
    """An error for each link leading out of its folder: (folder, its name in messages).
    `links`: every symbolic link under the folders, if known (as for `escaping`)."""
    found = []
    for folder, name in folders:
        for link in escaping(folder, links):
            found.append(error(shown(link, root), 0, "symlink leads outside {folder}/ (refused): {target}", folder=name,
                               target=os.readlink(link)))
    return found
