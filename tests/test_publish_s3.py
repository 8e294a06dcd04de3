"""`python build.py publish s3://bucket/prefix?endpoint=…`: through boto3 to moto's S3 server
on 127.0.0.1, which speaks the S3 HTTP API (skips, saying why, when it cannot start)."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from publishing import SITE_MARKER, build, built_archive, digests, publish_an_edit

from newsroom.cli import main

pytestmark = pytest.mark.usefixtures("clear_of_midnight")   # each builds, then publishes

BUCKET = "news-archive"
PREFIX = "news/"
PUBLISHED = ".newsroom-publish.json"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[object, str]]:
    """(boto3 client, endpoint URL) of a fresh moto S3 server with one bucket."""
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError as exc:
        pytest.skip(f"moto's server or boto3 is not installed ({exc}): pip install -e '.[test]'")
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "publisher")      # moto takes any credentials
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-a-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)   # one log line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    try:
        server.start()
    except OSError as exc:
        pytest.skip(f"moto's S3 server did not start on 127.0.0.1: {exc}")
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        client = boto3.client("s3", endpoint_url=endpoint)
        client.create_bucket(Bucket=BUCKET)
        yield client, endpoint
    finally:
        server.stop()


def objects(client) -> dict[str, dict]:
    """Every object under PREFIX but the manifest: site path -> its head (and sha256 of its body)."""
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=PREFIX):
        for item in page.get("Contents", []):
            path = item["Key"][len(PREFIX):]
            if path != PUBLISHED:
                head = client.get_object(Bucket=BUCKET, Key=item["Key"])
                head["sha256"] = hashlib.sha256(head.pop("Body").read()).hexdigest()
                found[path] = head
    return found


def expected_headers(path: str) -> tuple[str, str]:
    """What a reader's browser must get, written out here rather than asked of the engine."""
    if path.startswith("media/"):
        return ("image/webp" if path.endswith(".webp") else "image/jpeg"), "public, max-age=31536000, immutable"
    types = {".html": "text/html", ".xml": "application/xml", ".css": "text/css", ".js": "text/javascript",
             ".json": "application/json", ".txt": "text/plain", ".svg": "image/svg+xml"}
    kind = types.get(Path(path).suffix)
    if path.endswith("feed.xml"):
        kind = "application/atom+xml"
    if kind is None:
        return "", ""   # pagefind's own binary files: checked for their caching only below
    return f"{kind}; charset=utf-8", "public, max-age=300"


def check_served(client, site: Path) -> dict[str, dict]:
    served = objects(client)
    assert {p: o["sha256"] for p, o in served.items()} == digests(site, SITE_MARKER)
    for path, head in served.items():
        content_type, cache = expected_headers(path)
        if content_type:
            assert (head["ContentType"], head["CacheControl"]) == (content_type, cache), path
        elif "/fragment/" in path or "/index/" in path:
            assert head["CacheControl"] == "public, max-age=31536000, immutable", path
    return served


def test_publish_to_s3_sends_only_what_changed_with_headers(s3, tmp_path: Path, capsys) -> None:
    client, endpoint = s3
    root = built_archive(tmp_path)
    target = f"s3://{BUCKET}/{PREFIX}?endpoint={endpoint}"
    assert main(["--root", str(root), "publish", target]) == 0, capsys.readouterr().err
    before = digests(root / "site", SITE_MARKER)
    assert f"sent {len(before)} files (" in capsys.readouterr().out
    first = check_served(client, root / "site")

    time.sleep(1.1)   # S3 times are in whole seconds: an object put again must look newer
    sent, _, after = publish_an_edit(root, target, capsys)
    second = check_served(client, root / "site")
    put_again = {p for p, head in second.items() if first.get(p, {}).get("LastModified") != head["LastModified"]}
    assert put_again == sent
    manifest = json.loads(client.get_object(Bucket=BUCKET, Key=PREFIX + PUBLISHED)["Body"].read())
    assert set(manifest["files"]) == set(after) and manifest["leftover"] == []


def test_a_moved_articles_old_url_becomes_an_object_redirect(s3, tmp_path: Path) -> None:
    """A new slug moves an article; the build keeps a page at the old address and lists it in
    `_redirects`; on S3 the old address's object is a redirect (website hosting answers 301)."""
    client, endpoint = s3
    root = built_archive(tmp_path)
    target = f"s3://{BUCKET}/{PREFIX}?endpoint={endpoint}"
    assert main(["--root", str(root), "publish", "-q", target]) == 0
    old, new = "2022/02/19/henggang/", "2022/02/19/henggang-aid/"
    assert "WebsiteRedirectLocation" not in client.head_object(Bucket=BUCKET, Key=f"{PREFIX}{old}index.html")
    article = root / "content/articles/2022/02/henggang.md"
    article.write_text(article.read_text(encoding="utf-8").replace("title:", "slug: henggang-aid\ntitle:", 1),
                       encoding="utf-8")
    build(root)
    assert main(["--root", str(root), "publish", "-q", target]) == 0
    head = client.head_object(Bucket=BUCKET, Key=f"{PREFIX}{old}index.html")
    assert head["WebsiteRedirectLocation"] == f"https://example.test/archive/{new}"   # the fixture's base_url
    assert "WebsiteRedirectLocation" not in client.head_object(Bucket=BUCKET, Key=f"{PREFIX}{new}index.html")
    assert client.head_object(Bucket=BUCKET, Key=f"{PREFIX}_redirects")["ContentType"] == "text/plain; charset=utf-8"
    check_served(client, root / "site")


def test_missing_bucket_and_credentials_are_clear_errors(s3, tmp_path: Path, capsys, monkeypatch) -> None:
    _, endpoint = s3
    root = built_archive(tmp_path)
    assert main(["--root", str(root), "publish", f"s3://no-such-bucket/news?endpoint={endpoint}"]) == 1
    assert "NoSuchBucket" in capsys.readouterr().err
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert main(["--root", str(root), "publish", f"s3://{BUCKET}/news?endpoint={endpoint}"]) == 1
    assert "no credentials for the object store: set AWS_ACCESS_KEY_ID" in capsys.readouterr().err
    assert main(["--root", str(root), "publish", f"s3://key:secret@{BUCKET}/news"]) == 1
    assert "put no credentials in the target" in capsys.readouterr().err
