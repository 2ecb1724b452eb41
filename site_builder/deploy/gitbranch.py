"""Deploy to a git branch (GitHub Pages' gh-pages): output/ becomes one commit, pushed.

The tree is made in a bare repository in the build cache with a throwaway index, so no
working copy is checked out and a deploy killed half-way leaves nothing to clean but lock
files. A push moves the branch in one step: the host sees the old site or the new one,
which is the plan's order and more. The commit carries the manifest (manifest.py) and
the trailer `Deployed-by: site_builder`; history is squashed only on a branch all of whose
commits carry it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from site_builder.deploy import manifest, plan
from site_builder.deploy.common import Context, run
from site_builder.deploy.manifest import MANIFEST
from site_builder.deploy.targets import GitBranch

IDENTITY = {
    "GIT_AUTHOR_NAME": "site-builder",
    "GIT_AUTHOR_EMAIL": "site-builder@localhost",
    "GIT_COMMITTER_NAME": "site-builder",
    "GIT_COMMITTER_EMAIL": "site-builder@localhost",
}
TRAILER = "Deployed-by: site_builder"  # on every commit a deploy makes: the branch is ours
# The bytes of output/ go up as they are: no line-ending conversion from a user's config.
_PLAIN = ["-c", "core.autocrlf=false", "-c", "core.safecrlf=false", "-c", "core.eol=lf"]


class Git:
    """git commands on the deploy's bare repository."""

    def __init__(self, ctx: Context, repo: Path, remote: str):
        self.repo, self.remote = repo, remote
        self.env = {"GIT_TERMINAL_PROMPT": "0"}
        if ctx.target.ssh_command:
            self.env["GIT_SSH_COMMAND"] = ctx.target.ssh_command
        self.what = f"git ({_redacted(remote)})"

    def __call__(self, *args: str, env: dict[str, str] | None = None, check: bool = True):
        proc = run(
            ["git", *_PLAIN, f"--git-dir={self.repo}", *args],
            self.what,
            env={**self.env, **(env or {})},
            check=check,
        )
        return proc.stdout.strip() if check else proc


def deploy(ctx: Context, branch: GitBranch) -> plan.Result:
    """Commit output/ (plus .nojekyll and CNAME) onto the branch and push it."""
    repo = ctx.config.cache_dir / "deploy" / f"{ctx.target.name}.git"
    git = Git(ctx, repo, branch.remote)
    repo.mkdir(parents=True, exist_ok=True)
    git("init", "--quiet", "--bare")
    _clear_stale_locks(repo)  # left by a killed deploy; our deploy lock says none runs
    head = _remote_head(git, branch)
    squash = head is not None and ctx.target.history == "squash"
    if squash and head and not _all_ours(git, head):
        raise ctx.fail(
            f"refusing to squash branch {branch.branch}: it has commits without the "
            f"'{TRAILER}' trailer, history site-builder did not make and would force-push "
            'away; use history = "keep", or another branch'
        )
    claim = manifest.claim(ctx, *_on_branch(git, head), set(ctx.files) | set(_extras(ctx)))
    fd, index = tempfile.mkstemp(prefix="deploy-index-", dir=repo)
    os.close(fd)
    os.unlink(index)  # git wants to create the index itself
    try:
        tree = _tree(ctx, git, head, claim, {"GIT_INDEX_FILE": index})
    finally:
        Path(index).unlink(missing_ok=True)
    old_tree = git("rev-parse", f"{head}^{{tree}}") if head else None
    result = _changes(ctx, git, old_tree, tree)
    result.note = f"kept {len(claim.kept)} files that were there" if claim.kept else ""
    if tree == old_tree:
        result.note = f"{branch.branch} already holds this site"
        return result
    if ctx.dry_run:
        return result
    parents = ["-p", head] if head and not squash else []
    message = f"{ctx.summary}\n\n{TRAILER}\n"
    commit = git("commit-tree", tree, *parents, "-m", message, env=_identity(git))
    # Squashing replaces our own last commit, and only if nobody pushed meanwhile.
    force = [f"--force-with-lease=refs/heads/{branch.branch}:{head}"] if squash else []
    ctx.progress.start(len(result.uploaded))
    git("push", "--quiet", *force, branch.remote, f"{commit}:refs/heads/{branch.branch}")
    for path, size in result.uploaded:
        ctx.progress.advance(path, size)
    return result


def _remote_head(git: Git, branch: GitBranch) -> str | None:
    """Fetch the branch; its commit, or None when the remote does not have it yet."""
    ref = f"refs/heads/{branch.branch}"
    listed = git("ls-remote", branch.remote, ref).split()
    if not listed:
        return None
    git("fetch", "--quiet", "--no-tags", branch.remote, f"+{ref}:refs/deploy/{branch.branch}")
    return git("rev-parse", f"refs/deploy/{branch.branch}")


def _all_ours(git: Git, head: str) -> bool:
    """Every commit of the branch carries our trailer: site-builder made all its history."""
    key = TRAILER.split(":", 1)[0]
    log = git("log", f"--format=%H%x09%(trailers:key={key},valueonly,separator=%x2C)", head)
    return all(line.partition("\t")[2].strip() == "site_builder" for line in log.splitlines())


def _on_branch(git: Git, head: str | None) -> tuple[set[str], set[str] | None]:
    """The files of the branch's commit but the manifest, and the manifest's list."""
    if head is None:
        return set(), None
    names = set(git("ls-tree", "-r", "--name-only", "-z", head).split("\0")) - {""}
    if MANIFEST not in names:
        return names, None
    data = git("cat-file", "blob", f"{head}:{MANIFEST}")
    return names - {MANIFEST}, manifest.parse(data.encode("utf-8"), f"{head}:{MANIFEST}")


def _tree(
    ctx: Context, git: Git, head: str | None, claim: manifest.Claim, env: dict[str, str]
) -> str:
    """The branch's tree, less the files the claim deletes, plus output/ and the manifest."""
    if head:
        git("read-tree", head, env=env)
    if claim.delete:
        remove = [f"--work-tree={ctx.output}", "update-index", "--force-remove", "-z", "--stdin"]
        _git_input(git, remove, claim.delete, env)
    unpublished = [f":(exclude,glob)**/{name}" for name in plan.UNPUBLISHED]
    git(f"--work-tree={ctx.output}", "add", "--force", "--ignore-removal", "--", ".",
        *unpublished, env=env)  # fmt: skip
    extras = {**_extras(ctx), MANIFEST: manifest.dump(claim.after).decode("utf-8")}
    for name, data in extras.items():
        blob = _git_input(git, ["hash-object", "-w", "--stdin"], data, {})
        git("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", env=env)
    return git("write-tree", env=env)


def _git_input(git: Git, args: list[str], data: str | list[str], env: dict[str, str]) -> str:
    """A git command reading standard input (a text, or paths separated by NULs)."""
    text = data if isinstance(data, str) else "".join(name + "\0" for name in data)
    return run(
        ["git", *_PLAIN, f"--git-dir={git.repo}", *args],
        git.what,
        env={**git.env, **env},
        input_text=text,
    ).stdout.strip()


def _extras(ctx: Context) -> dict[str, str]:
    """.nojekyll (serve folders starting with '_') and CNAME (the custom domain), unless
    output/ has its own."""
    extras = {".nojekyll": ""}
    host = urlsplit(ctx.config.base_url).hostname or ""
    if host and not host.endswith("github.io") and host not in ("127.0.0.1", "localhost"):
        extras["CNAME"] = host + "\n"
    return {name: data for name, data in extras.items() if not (ctx.output / name).exists()}


def _changes(ctx: Context, git: Git, old_tree: str | None, tree: str) -> plan.Result:
    """What the new tree adds, changes and removes, in the plan's order."""
    if old_tree:
        listing = git("diff-tree", "-r", "--no-renames", "--name-status", "-z", old_tree, tree)
        fields = listing.split("\0")
        pairs = list(zip(fields[0::2], fields[1::2]))
    else:
        pairs = [
            ("A", name)
            for name in git("ls-tree", "-r", "--name-only", "-z", tree).split("\0")
            if name
        ]
    pairs = [(status, name) for status, name in pairs if name != MANIFEST]
    sent = [name for status, name in pairs if status in ("A", "M", "T")]
    gone = [name for status, name in pairs if status == "D"]
    sizes = {name: _size(ctx, name) for name in sent}
    names = git("ls-tree", "-r", "-z", "--name-only", tree).split("\0")
    total = sum(1 for name in names if name and name != MANIFEST)
    return plan.Result(
        [(name, sizes[name]) for name in plan.ordered(sent)],
        plan.delete_order(gone),
        unchanged=total - len(sent),
    )


def _size(ctx: Context, name: str) -> int:
    path = ctx.output / name
    return path.stat().st_size if path.exists() else len(_extras(ctx).get(name, ""))


def _identity(git: Git) -> dict[str, str]:
    """The user's git identity when they have one, else site-builder's."""
    known = git("var", "GIT_COMMITTER_IDENT", check=False).returncode == 0
    return {} if known else IDENTITY


def _clear_stale_locks(repo: Path) -> None:
    for lock in repo.rglob("*.lock"):
        lock.unlink(missing_ok=True)


def _redacted(remote: str) -> str:
    """The remote as it may appear in messages: any user info dropped."""
    parts = urlsplit(remote)
    return remote.replace(parts.netloc, parts.hostname or "", 1) if parts.username else remote
