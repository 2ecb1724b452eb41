"""Deploy to S3 or an S3-compatible store with boto3: compare MD5 (the ETag of a single-part
upload) and size, upload what differs with its media type and Cache-Control (text
gzipped first when the target says `gzip = true`), batch by batch in the plan's order
(parallel inside a batch), then delete only what the manifest lists (manifest.py)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import mimetypes
import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from site_builder.deploy import manifest, plan
from site_builder.deploy.common import Context, DeployError
from site_builder.deploy.manifest import MANIFEST
from site_builder.deploy.targets import S3Bucket

MEDIA_TYPES = {
    "feed.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
    ".opml": "text/x-opml; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
}
CACHE_CONTROL = {
    "html": "public, max-age=300",
    "feeds": "public, max-age=300",
    "assets": "public, max-age=3600",
    "fingerprinted": "public, max-age=31536000, immutable",
}
_COMPRESSIBLE = re.compile(r"\.(html|xml|json|opml|css|js|svg|txt)$")
_FINGERPRINT = re.compile(r"\.[0-9a-f]{8,}\.[a-z0-9]+$")


def media_type(path: str) -> str:
    """The Content-Type a file is served with: feeds by their names, the rest by extension."""
    name = path.rsplit("/", 1)[-1]
    for ending, kind in MEDIA_TYPES.items():
        if name == ending or (ending.startswith(".") and name.endswith(ending)):
            return kind
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def cache_kind(path: str) -> str:
    """html, feeds, fingerprinted (a content hash in the name) or assets."""
    if plan.phase(path) == plan.FEEDS:
        return "feeds"
    if path.endswith(".html"):
        return "html"
    return "fingerprinted" if _FINGERPRINT.search(path) else "assets"


def deploy(ctx: Context, bucket: S3Bucket) -> plan.Result:
    """Upload changed files batch by batch, then delete what the manifest lists and
    output/ no longer has; nothing else under the prefix (or in the bucket) is touched."""
    client = _client(ctx, bucket)
    prefix = bucket.prefix + "/" if bucket.prefix else ""
    remote = _call(bucket, "list", lambda: _listing(client, bucket.bucket, prefix))
    files = _objects(ctx)
    changed = [
        path
        for path, local in files.items()
        if remote.get(prefix + path) != (local.md5, local.size)
    ]
    present = {key[len(prefix) :] for key in remote} - {MANIFEST}
    listed = _manifest(client, bucket, prefix) if prefix + MANIFEST in remote else None
    claim = manifest.claim(ctx, present, listed, set(files))
    result = plan.Result(unchanged=len(files) - len(changed))
    result.note = f"kept {len(claim.kept)} objects that were there" if claim.kept else ""
    if ctx.dry_run:
        result.uploaded = [(path, files[path].size) for path in plan.ordered(changed)]
        result.deleted = plan.delete_order(claim.delete)
        return result
    if claim.before is not None:
        _put_manifest(client, bucket, prefix, claim.before)
    _upload(ctx, client, bucket, prefix, files, changed, result)
    result.deleted = _delete(client, bucket, prefix, claim.delete)
    if claim.after != listed:
        _put_manifest(client, bucket, prefix, claim.after)
    return result


def _upload(ctx, client, bucket: S3Bucket, prefix: str, files, changed, result) -> None:
    """The changed files, batch by batch in the plan's order, in parallel inside a batch."""
    cache = {**CACHE_CONTROL, **dict(ctx.target.cache_control)}
    ctx.progress.start(len(changed))

    def upload(path: str) -> str:
        local = files[path]
        extra = {"ContentEncoding": "gzip"} if local.gzip else {}
        client.put_object(
            Bucket=bucket.bucket,
            Key=prefix + path,
            Body=_body(ctx, path),
            ContentType=media_type(path),
            CacheControl=cache[cache_kind(path)],
            ContentMD5=base64.b64encode(bytes.fromhex(local.md5)).decode(),
            **extra,
        )
        return path

    with ThreadPoolExecutor(ctx.target.workers, thread_name_prefix="s3-upload") as pool:
        for batch in plan.batches(changed):  # a batch is all on the host before the next
            futures = [pool.submit(upload, path) for path in batch]
            try:
                for future in as_completed(futures):
                    path = _call(bucket, "upload", future.result)
                    result.uploaded.append((path, files[path].size))
                    ctx.progress.advance(path, files[path].size)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise


def _delete(client, bucket: S3Bucket, prefix: str, gone: list[str]) -> list[str]:
    """Delete exactly these keys, 1,000 a request (S3's limit)."""
    deleted: list[str] = []
    order = plan.delete_order(gone)
    for start in range(0, len(order), 1000):
        chunk = order[start : start + 1000]
        answer = _call(
            bucket,
            "delete",
            lambda chunk=chunk: client.delete_objects(
                Bucket=bucket.bucket,
                Delete={"Objects": [{"Key": prefix + p} for p in chunk], "Quiet": True},
            ),
        )
        if answer.get("Errors"):
            error = answer["Errors"][0]
            raise DeployError(
                f"s3://{bucket.bucket}: delete of {error.get('Key')} failed: "
                f"{error.get('Code')}: {error.get('Message')}"
            )
        deleted.extend(chunk)
    return deleted


def _manifest(client, bucket: S3Bucket, prefix: str) -> set[str]:
    """The keys (below the prefix) that the bucket's manifest lists."""
    answer = _call(
        bucket, "read", lambda: client.get_object(Bucket=bucket.bucket, Key=prefix + MANIFEST)
    )
    return manifest.parse(answer["Body"].read(), f"s3://{bucket.bucket}/{prefix}{MANIFEST}")


def _put_manifest(client, bucket: S3Bucket, prefix: str, files: set[str]) -> None:
    data = manifest.dump(files)
    _call(
        bucket,
        "upload",
        lambda: client.put_object(
            Bucket=bucket.bucket,
            Key=prefix + MANIFEST,
            Body=data,
            ContentType="application/json",
            CacheControl="no-cache",
        ),
    )


@dataclass(frozen=True)
class _Object:
    """What an object's ETag and size are compared with: of the gzipped bytes if gzipped."""

    md5: str
    size: int
    gzip: bool = False


def _objects(ctx: Context) -> dict[str, _Object]:
    """Every file of output/ as the object it becomes."""
    objects = {}
    for path, local in ctx.files.items():
        if ctx.target.gzip and _COMPRESSIBLE.search(path):
            data = _body(ctx, path)
            objects[path] = _Object(
                hashlib.md5(data, usedforsecurity=False).hexdigest(), len(data), True
            )
        else:
            objects[path] = _Object(local.md5, local.size)
    return objects


def _body(ctx: Context, path: str) -> bytes:
    """The bytes uploaded: the file's, or gzipped without a time stamp (so the same file
    always gives the same bytes and an unchanged file is not sent again)."""
    data = ctx.files[path].path.read_bytes()
    if ctx.target.gzip and _COMPRESSIBLE.search(path):
        return gzip.compress(data, compresslevel=9, mtime=0)
    return data


def _client(ctx: Context, bucket: S3Bucket):
    try:  # here: boto3 takes 87 ms to import, and only an S3 deploy needs it
        import boto3
        from botocore.config import Config
    except ImportError:
        raise DeployError("S3 deploys need boto3: python3 -m pip install boto3") from None
    config = Config(
        retries={"max_attempts": 3, "mode": "standard"},
        max_pool_connections=max(10, ctx.target.workers),
        connect_timeout=10,
        read_timeout=60,
    )
    # Credentials: boto3's usual chain (environment, ~/.aws, instance roles); never site.toml.
    return boto3.session.Session().client(
        "s3", region_name=bucket.region, endpoint_url=bucket.endpoint, config=config
    )


def _listing(client, name: str, prefix: str) -> dict[str, tuple[str, int]]:
    """Every object under the prefix: key -> (ETag without quotes, size)."""
    objects = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=name, Prefix=prefix):
        for item in page.get("Contents", []):
            if not item["Key"].endswith("/"):
                objects[item["Key"]] = (item["ETag"].strip('"'), item["Size"])
    return objects


def _call(bucket: S3Bucket, what: str, action):
    """Run a boto3 call; its failure becomes one line (no traceback, no credential)."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError  # as boto3

    try:
        return action()
    except NoCredentialsError:
        raise DeployError(
            f"s3://{bucket.bucket}: no AWS credentials (set AWS_PROFILE or "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use ~/.aws)"
        ) from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        raise DeployError(
            f"s3://{bucket.bucket}: {what} failed: {error.get('Code')}: {error.get('Message')}"
        ) from None
    except (BotoCoreError, OSError) as exc:
        raise DeployError(f"s3://{bucket.bucket}: {what} failed: {exc}") from None
