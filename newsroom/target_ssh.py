"""Publishing to a web server over SSH, with rsync (`ssh://user@host[:port]/path`).

Only rsync is run (ssh under it: the user's keys, agent and ~/.ssh/config apply, and
RSYNC_RSH replaces plain `ssh`, as for rsync itself). rsync writes each file beside its
place and renames it over it, so readers see whole files. `--checksum` skips files that are
already right, so resuming a stopped publish sends only what is still missing.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .deploy import MANIFEST, Entry, PublishError, Sent
from .i18n import Explained

# Whatever the site's files' modes, the web server must be able to read them.
_MODES = ("--perms", "--chmod=D755,F644")
_PARTIAL = 23    # rsync's exit status when some files could not be sent (or were missing)
_VANISHED = 24   # … when sources are missing: what --delete-missing-args is for
Line = Callable[[str], None]   # called with each line rsync prints (--out-format)


class SshTarget:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.password is not None:
            raise PublishError("put no password in the target: use an SSH key (ssh-agent) instead")
        if not parts.hostname or not parts.path.strip("/"):
            raise PublishError("'{url}' needs a host and a folder: ssh://user@host/var/www/news", url=url)
        path = unquote(parts.path)
        path = path[3:] if path.startswith("/~/") else path   # ssh://host/~/www: in the home folder
        user = f"{parts.username}@" if parts.username else ""
        self.remote = f"{user}{parts.hostname}:{path.rstrip('/')}/"
        rsh = os.environ.get("RSYNC_RSH") or "ssh"
        self.rsh = rsh + (f" -p {parts.port}" if parts.port else "")
        self.url = url

    def __str__(self) -> str:
        return self.url

    def read_manifest(self) -> bytes | None:
        with tempfile.TemporaryDirectory() as tmp:
            # A folder not made yet (the first publish) is no manifest either: status 23, "No such file".
            self._rsync(["--ignore-missing-args", self.remote + MANIFEST, tmp + "/"],
                        ok=(_PARTIAL,), said="No such file or directory")
            local = Path(tmp) / MANIFEST
            return local.read_bytes() if local.exists() else None

    def send(self, site: Path, files: list[tuple[str, Entry]], sent: Sent) -> None:
        sizes = {path: entry.size for path, entry in files}

        def line(name: str) -> None:   # --out-format=%n: a file sent (folders end in /)
            if name in sizes:
                sent(name, sizes[name])

        self._listed(list(sizes), str(site) + "/",
                     ["--times", "--checksum", "--mkpath", *_MODES, "--out-format=%n"], line)

    def write_manifest(self, data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / MANIFEST).write_bytes(data)
            self._rsync(["--mkpath", *_MODES, str(Path(tmp) / MANIFEST), self.remote])

    def delete(self, paths: list[str]) -> None:
        with tempfile.TemporaryDirectory() as empty:   # every listed path is missing from it
            self._listed(paths, empty + "/", ["--delete-missing-args", "--no-implied-dirs"], ok=(_VANISHED,))

    def prune(self, folders: list[str]) -> None:
        """Empty folders, deepest first (rsync would refuse a parent before its child);
        one that is not empty (something not ours in it) stays, silently."""
        depths = sorted({f.count("/") for f in folders}, reverse=True)
        with tempfile.TemporaryDirectory() as empty:
            for depth in depths:
                level = [f for f in folders if f.count("/") == depth]
                self._listed(level, empty + "/", ["--delete-missing-args", "--no-implied-dirs"], ok=(_PARTIAL, _VANISHED))

    def _listed(self, paths: list[str], source: str, options: list[str], each: Line | None = None,
                ok: tuple[int, ...] = ()) -> None:
        """rsync with the paths (relative to `source` and the remote folder) as its file list."""
        with tempfile.NamedTemporaryFile("wb", suffix=".list") as listing:
            listing.write(b"\0".join(os.fsencode(p) for p in paths) + b"\0")
            listing.flush()
            self._rsync([f"--files-from={listing.name}", "--from0", *options, source, self.remote], each, ok)

    def _rsync(self, args: list[str], each: Line | None = None, ok: tuple[int, ...] = (), said: str = "") -> None:
        """Run rsync; fail unless it ended well, or with a status in `ok` (and, if given, having
        `said` that)."""
        command = ["rsync", "--rsh", self.rsh, *args]
        try:
            # stderr to a file: a pipe left unread while stdout is read could fill and stall rsync
            with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as stderr, \
                    subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
                                     text=True, encoding="utf-8", errors="replace") as process:
                for line in process.stdout:
                    if each is not None:
                        each(line.rstrip("\n"))
                process.wait()
                stderr.seek(0)
                errors = stderr.read()
        except FileNotFoundError as exc:
            raise PublishError("rsync is not installed here (Debian: apt-get install rsync); "
                               "the host needs it too") from exc
        lines = [line for line in errors.splitlines() if line.strip() and not line.startswith("rsync error:")]
        expected = process.returncode in ok and (not said or said in errors)
        if process.returncode and not expected:
            why = " ".join(lines[-3:]) or Explained("exit status {code}", code=process.returncode)
            raise PublishError("rsync to {url} failed: {reason}", url=self.url, reason=why)
