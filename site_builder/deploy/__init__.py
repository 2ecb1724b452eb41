"""`site-builder deploy`: publish output/ to a static host, only what changed, in an order
that never leaves a link to a missing page (see plan.py), deletes last.

The URL's scheme picks the kind: a folder or ssh:// (rsync.py), git+ssh:// or git+file://
(gitbranch.py), s3:// (s3.py). This module takes the deploy lock and the build lock (for the
whole deploy: no build meanwhile), checks the last build, snapshots output/, hands the
target to its kind and prints what was done. A deploy deletes only files that deploys put
there (manifest.py).

May import: engine/buildstatus.py (the last build's outcome), engine/publish.py (the build
lock) and the shared modules; never serve/ or ingest/.
"""

from __future__ import annotations

import logging
import time

from site_builder.config import DeployTarget, SiteConfig
from site_builder.deploy import gitbranch, plan, rsync, s3, snapshot, targets, websub
from site_builder.deploy.common import Context, DeployError
from site_builder.deploy.lock import deploy_lock
from site_builder.engine import buildstatus, publish

log = logging.getLogger("site_builder")


def run_deploy(
    config: SiteConfig,
    name: str | None = None,
    dry_run: bool = False,
    delete: bool | None = None,
    adopt: bool = False,
    ping: bool = True,
) -> int:
    """Deploy output/ to the named target (the first one by default); return the exit status.
    `ping`: announce the changed feeds to the WebSub hubs of site.toml."""
    target = pick_target(config, name)
    delete = target.delete if delete is None else delete
    with deploy_lock(config.cache_dir), publish.lock(config):
        summary = _last_good_build(config)
        with snapshot.taken(config.output_dir, config.cache_dir) as files:
            ctx = Context(config, target, dry_run, delete, summary, adopt, files)
            started = time.perf_counter()
            result = _deploy_to_host(ctx)
            seconds = time.perf_counter() - started
    _report(ctx, result, seconds)
    if ping:  # once the files are up, and outside the locks: a slow hub holds no build
        websub.announce(config, result.uploaded, dry_run)
    return 0


def pick_target(config: SiteConfig, name: str | None) -> DeployTarget:
    """The target called `name`, or the first one in site.toml."""
    where = config.config_path or "site.toml"
    if not config.deploy:
        raise DeployError(
            'no deploy target: add [deploy.NAME] with url = "..." (see README, Deploy)', where
        )
    if name is None:
        return config.deploy[0]
    for target in config.deploy:
        if target.name == name:
            return target
    known = ", ".join(t.name for t in config.deploy)
    raise DeployError(f"no deploy target '{name}' (targets: {known})", where)


def _last_good_build(config: SiteConfig) -> str:
    """The last build's summary; a deploy without a successful build is refused."""
    status = buildstatus.last(config)
    if status is None:
        raise DeployError("no build recorded: run site-builder build first", config.output_dir)
    if not status["ok"]:
        raise DeployError(
            f"the last build failed ({status.get('summary')}); fix it and build "
            "again before deploying",
            config.output_dir,
        )
    refusal = buildstatus.not_for_publication(status)
    if refusal:
        raise DeployError(f"not a site to publish: {refusal}", config.output_dir)
    if buildstatus.output_of(status) != config.output_dir:
        raise DeployError(
            f"the last build went to {buildstatus.output_of(status)}, not here: "
            "build this folder first",
            config.output_dir,
        )
    if not config.output_dir.is_dir():
        raise DeployError("no such folder: run site-builder build first", config.output_dir)
    return str(status.get("summary") or "site-builder deploy")


def _deploy_to_host(ctx: Context) -> plan.Result:
    """Publish with the way the target's URL names: rsync, a git branch or S3."""
    host = targets.parse(ctx)
    if isinstance(host, targets.RsyncHost):
        return rsync.deploy(ctx, host)
    if isinstance(host, targets.GitBranch):
        return gitbranch.deploy(ctx, host)
    return s3.deploy(ctx, host)


def _report(ctx: Context, result: plan.Result, seconds: float) -> None:
    """--dry-run: every upload and delete; always one summary line."""
    if ctx.dry_run:
        for path, size in result.uploaded:
            log.info("would upload %s (%d bytes)", path, size)
        for path in result.deleted:
            log.info("would delete %s", path)
    else:
        for path in result.deleted:
            log.debug("deleted %s", path)
    verb = "would upload" if ctx.dry_run else "uploaded"
    note = f"; {result.note}" if result.note else ""
    log.info(
        "%s %s: %s %d files (%d bytes), %s %d, %d unchanged, in %.2f s%s",
        "dry run for" if ctx.dry_run else "deployed to",
        ctx.target.name,
        verb,
        len(result.uploaded),
        result.bytes,
        "would delete" if ctx.dry_run else "deleted",
        len(result.deleted),
        result.unchanged,
        seconds,
        note,
    )
