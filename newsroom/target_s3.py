"""Publishing to an S3-compatible object store through boto3 (`s3://bucket/prefix`).

Any store that speaks the S3 API: AWS, Aliyun OSS, Tencent COS, MinIO … The endpoint and
region come from the target (`s3://bucket/news?endpoint=https://oss-cn-shenzhen.aliyuncs.com`)
or boto3's own settings (AWS_ENDPOINT_URL, AWS_REGION, ~/.aws/config); credentials only from
boto3's usual places (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ~/.aws/).
Each object gets its Content-Type and Cache-Control; an old URL of a moved article gets an
object redirect (x-amz-website-redirect-location), which a bucket's website endpoint answers with 301.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from .deploy import MANIFEST, Entry, PublishError, Sent

UPLOADS = 8            # files in flight at once: small pages are dominated by round trips
MULTIPART = 64 * 1024 * 1024   # bigger files go up in parts (boto3's upload_file)
DELETE_BATCH = 1000    # the most one DeleteObjects request takes
OPTIONS = {"endpoint", "region", "addressing"}


class S3Target:
    def __init__(self, url: str, base_url: str = "") -> None:
        parts = urlsplit(url)
        if parts.username or parts.password:
            raise PublishError("put no credentials in the target: boto3 reads them from AWS_ACCESS_KEY_ID "
                               "and AWS_SECRET_ACCESS_KEY, or a profile (AWS_PROFILE, ~/.aws/credentials)")
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        unknown = set(options) - OPTIONS
        if not parts.hostname or unknown:
            raise PublishError("'{url}': write s3://bucket/prefix, optionally with ?endpoint=URL&region=NAME{unknown}",
                               url=url, unknown=f" (unknown: {', '.join(sorted(unknown))})" if unknown else "")
        self.url, self.bucket = url, parts.netloc
        self.prefix = parts.path.strip("/") + "/" if parts.path.strip("/") else ""
        self.base_url = base_url
        self.client = _client(options)

    def __str__(self) -> str:
        return self.url

    def read_manifest(self) -> bytes | None:
        with self._errors():
            try:
                return self.client.get_object(Bucket=self.bucket, Key=self.prefix + MANIFEST)["Body"].read()
            except self.client.exceptions.NoSuchKey:
                return None

    def send(self, site: Path, files: list[tuple[str, Entry]], sent: Sent) -> None:
        def put(path: str, entry: Entry) -> tuple[str, int]:
            extra = {"ContentType": entry.type, "CacheControl": entry.cache}
            if entry.redirect:
                extra["WebsiteRedirectLocation"] = self._location(entry.redirect)
            if entry.size < MULTIPART:   # one request; upload_file's transfer manager costs more
                with open(site / path, "rb") as body:
                    self.client.put_object(Bucket=self.bucket, Key=self.prefix + path, Body=body, **extra)
            else:
                self.client.upload_file(str(site / path), self.bucket, self.prefix + path, ExtraArgs=extra)
            return path, entry.size

        pool = ThreadPoolExecutor(UPLOADS)
        try:
            with self._errors():
                # The kind's files all finish before the next kind starts (deploy's order).
                for path, size in pool.map(lambda item: put(*item), files):
                    sent(path, size)
        finally:   # stopped or failed: the files not started yet are not sent
            pool.shutdown(wait=True, cancel_futures=True)

    def write_manifest(self, data: bytes) -> None:
        with self._errors():
            self.client.put_object(Bucket=self.bucket, Key=self.prefix + MANIFEST, Body=data,
                                   ContentType="application/json; charset=utf-8", CacheControl="no-cache")

    def delete(self, paths: list[str]) -> None:
        with self._errors():
            for start in range(0, len(paths), DELETE_BATCH):
                keys = [{"Key": self.prefix + p} for p in paths[start:start + DELETE_BATCH]]
                answer = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})
                if answer.get("Errors"):
                    first = answer["Errors"][0]
                    raise PublishError("{url}: cannot delete {key}: {reason}", url=self.url, key=first.get("Key"),
                                       reason=first.get("Message"))

    def prune(self, folders: list[str]) -> None:
        """An object store has no folders to leave empty."""

    def _location(self, redirect: str) -> str:
        """An object redirect must be a full URL or start with '/': a site path goes under the
        site's address (base_url), else under the bucket's root."""
        if "://" in redirect or redirect.startswith("/"):
            return redirect
        return (self.base_url or "/" + self.prefix) + redirect

    @contextmanager
    def _errors(self) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

        try:
            yield
        except NoCredentialsError as exc:
            raise PublishError("no credentials for the object store: set AWS_ACCESS_KEY_ID and "
                               "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (never in site.yaml)") from exc
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise PublishError("{url}: {code}: {reason}", url=self.url, code=error.get("Code", ""),
                               reason=error.get("Message", exc)) from exc
        except BotoCoreError as exc:
            raise PublishError("{url}: {reason}", url=self.url, reason=exc) from exc


def _client(options: dict[str, str]):
    try:
        import boto3
        from botocore.config import Config
    except ImportError as exc:
        raise PublishError("publishing to s3:// needs boto3: pip install 'newsroom[s3]'") from exc
    # Checksums only where the API requires them: several S3-compatible stores refuse the
    # CRC32 headers boto3 adds by default since 1.36.
    config = Config(s3={"addressing_style": options.get("addressing", "auto")},
                    request_checksum_calculation="when_required", response_checksum_validation="when_required")
    return boto3.session.Session().client("s3", endpoint_url=options.get("endpoint"),
                                          region_name=options.get("region"), config=config)
