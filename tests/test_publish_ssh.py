"""`python build.py publish ssh://user@host:port/path`: rsync over SSH to Debian's OpenSSH
server, started on 127.0.0.1 with a temporary host key and user key (skips, saying why,
when it cannot start)."""

from __future__ import annotations

import getpass
import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from publishing import (
    PUBLISHED,
    SITE_MARKER,
    built_archive,
    digests,
    free_port,
    publish_an_edit,
    stamps,
    touched,
)

from newsroom.cli import main

pytestmark = pytest.mark.usefixtures("clear_of_midnight")   # each builds, then publishes

SSHD = shutil.which("sshd") or "/usr/sbin/sshd"


def _keygen(path: Path) -> str:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path.with_suffix(".pub").read_text(encoding="utf-8").strip()


@pytest.fixture
def ssh_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An sshd for this user on 127.0.0.1; RSYNC_RSH set to reach it; yields user@127.0.0.1:PORT."""
    for tool in (SSHD, "ssh", "ssh-keygen", "rsync"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed (Debian: openssh-server, openssh-client, rsync)")
    keys = tmp_path / "keys"
    keys.mkdir()
    host_public = _keygen(keys / "host")
    (keys / "authorized_keys").write_text(_keygen(keys / "user") + "\n", encoding="utf-8")
    port = free_port()
    (keys / "known_hosts").write_text(f"[127.0.0.1]:{port} {host_public}\n", encoding="utf-8")
    config = keys / "sshd_config"
    config.write_text("\n".join([
        f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {keys / 'host'}",
        f"AuthorizedKeysFile {keys / 'authorized_keys'}", "PasswordAuthentication no",
        "KbdInteractiveAuthentication no", "PubkeyAuthentication yes", "StrictModes no", "UsePAM no",
        f"PidFile {keys / 'sshd.pid'}", "PermitRootLogin prohibit-password",
    ]) + "\n", encoding="utf-8")
    if os.geteuid() == 0 and not Path("/run/sshd").is_dir():
        Path("/run/sshd").mkdir(mode=0o755)   # sshd's privilege separation folder (the service makes it)
    log = (keys / "sshd.log").open("w")
    server = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        if not _listening(port, server):
            pytest.skip("sshd did not start on 127.0.0.1: " + (keys / "sshd.log").read_text()[-300:])
        monkeypatch.setenv("RSYNC_RSH", f"ssh -F /dev/null -i {keys / 'user'} -o IdentitiesOnly=yes "
                           f"-o UserKnownHostsFile={keys / 'known_hosts'} -o StrictHostKeyChecking=yes "
                           "-o BatchMode=yes")
        yield f"{getpass.getuser()}@127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def _listening(port: int, server: subprocess.Popen, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def test_publish_over_ssh_sends_only_what_changed(ssh_server: str, tmp_path: Path, capsys) -> None:
    root = built_archive(tmp_path)
    remote = tmp_path / "srv" / "www" / "news"   # the folder on the host (here the same machine)
    target = f"ssh://{ssh_server}{remote}"
    assert main(["--root", str(root), "publish", target]) == 0, capsys.readouterr().err
    before = digests(root / "site", SITE_MARKER)
    assert digests(remote, PUBLISHED) == before
    assert f"sent {len(before)} files (" in capsys.readouterr().out
    manifest = json.loads((remote / PUBLISHED).read_text(encoding="utf-8"))["files"]
    page = next(p for p in manifest if p.endswith("/index.html") and p[:4].isdigit())
    media = next(p for p in manifest if p.startswith("media/"))
    assert manifest[page][2:4] == ["text/html; charset=utf-8", "public, max-age=300"]
    assert manifest[media][3] == "public, max-age=31536000, immutable"
    assert all(oct(f.stat().st_mode)[-3:] == "644" for f in remote.rglob("*") if f.is_file())

    stamped = stamps(remote)
    sent, _, after = publish_an_edit(root, target, capsys)
    assert touched(stamped, stamps(remote)) - {PUBLISHED} == sent
    assert digests(remote, PUBLISHED) == after
    assert not (remote / "tags" / "yuan-dan").exists(), "the emptied folder is removed too"


def test_an_unreachable_host_is_a_clear_error(ssh_server: str, tmp_path: Path, capsys) -> None:
    root = built_archive(tmp_path)
    wrong = f"ssh://{ssh_server.rsplit(':', 1)[0]}:{free_port()}/srv/news"
    assert main(["--root", str(root), "publish", wrong]) == 1
    err = capsys.readouterr().err
    assert f"publish failed: rsync to {wrong} failed:" in err and "Connection refused" in err
