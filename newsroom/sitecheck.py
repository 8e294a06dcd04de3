"""Where a site may be written: never over the archive, its sources or the home folder, and
never over a folder that no build made (the output folder is replaced wholesale)."""

from __future__ import annotations

from pathlib import Path

from .i18n import Explained

MARKER = ".newsroom-site.json"   # tells a folder made by a build: its manifest of file digests


class OutputError(Explained):
    """The output folder cannot be used (not made by a build, or unwritable)."""


def check_target(site_dir: Path) -> None:
    """Refuse to replace a non-empty folder that no build made."""
    if site_dir.exists() and not site_dir.is_dir():
        raise OutputError("refusing to write the site here: it is a file, not a folder")
    if site_dir.is_dir() and any(site_dir.iterdir()) and not (site_dir / MARKER).is_file():
        raise OutputError("refusing to write the site here: the folder is not empty and was not made "
                          "by a build (it has no {marker}); choose an empty or new folder with --output",
                          marker=MARKER)


def check_output(site_dir: Path, root: Path, home: Path | None = None) -> OutputError | None:
    """Why the site must not be written to `site_dir` (None: it may); checked before anything is written.

    The output folder is replaced wholesale, so it must not be, or contain, anything an
    editor keeps: the archive, its sources, the home folder, the file system root.
    """
    why = unsafe_place(site_dir, root, home)
    if why:
        return OutputError("refusing to write the site here: {why}; choose an empty or new folder with --output",
                           why=why)
    try:
        check_target(site_dir.resolve())
    except OutputError as exc:
        return exc
    return None


def unsafe_place(folder: Path, root: Path, home: Path | None = None) -> Explained | None:
    """Why files must not be written into `folder` (a site, or a copy published there): it
    is, holds or is inside the archive, its sources or cache, the home folder or the file
    system root (None: it may be written)."""
    out, root = folder.resolve(), root.resolve()
    try:
        home = (home or Path.home()).resolve()
    except (RuntimeError, KeyError):   # no home folder known: nothing to protect there
        home = Path(root.anchor) / ".no-home"
    why: Explained | None = None
    sources = {"content": root / "content", "photos": root / "photos", "templates": root / "templates",
               ".cache": root / ".cache"}
    if out == Path(out.anchor):
        why = Explained("it is the root of the file system")
    elif out == home:
        why = Explained("it is your home folder")
    elif out == root:
        why = Explained("it is the archive folder itself")
    elif root.is_relative_to(out):
        why = Explained("it contains the archive folder {root}", root=root)
    else:
        for name, folder in sources.items():
            if out.is_relative_to(folder):
                why = (Explained("it is the archive's {name}/ folder", name=name) if out == folder
                       else Explained("it is inside the archive's {name}/ folder", name=name))
                break
    if not why and home.is_relative_to(out):
        why = Explained("it contains your home folder")
    blocked = next((parent for parent in out.parents if parent.exists() and not parent.is_dir()), None)
    if not why and blocked is not None:
        why = Explained("{path} is a file, not a folder", path=blocked)
    built = next((parent for parent in out.parents if (parent / MARKER).is_file()), None)
    if not why and built is not None:   # its next build would leave this folder inside the site
        why = Explained("it is inside {site}, a site a build made", site=built)
    return why
