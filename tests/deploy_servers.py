"""Real servers on loopback for the deploy tests: sshd, moto's S3, a connection-dropping
proxy; and a small site built from the repository's content."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from conftest import PINNED_NOW

REPO = Path(__file__).resolve().parent.parent
ENV = {
    **os.environ,
    "PYTHONPATH": str(REPO),
    "PYTHONDONTWRITEBYTECODE": "1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "GIT_CONFIG_NOSYSTEM": "1",
    "SOURCE_DATE_EPOCH": PINNED_NOW,
}
SUMMARY = re.compile(
    r"(?:deployed to|dry run for) \S+: (?:would )?upload(?:ed)? (\d+) files "
    r"\((\d+) bytes\), (?:would )?delete(?:d)? (\d+), (\d+) unchanged"
)


def make_site(folder: Path, deploy_toml: str) -> Path:
    """The repository's four articles, templates and static files, with deploy targets."""
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, folder / name)
    (folder / "site.toml").write_text(
        'title = "Deploy Desk"\nbase_url = "https://news.example.org/"\n' + deploy_toml,
        encoding="utf-8",
    )
    return folder


def cli(
    site: Path, *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`python -m site_builder ARGS` with this worktree's code."""
    proc = subprocess.run(
        [sys.executable, "-m", "site_builder", *args],
        cwd=site,
        env=env or ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"{args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def counts(proc: subprocess.CompletedProcess) -> tuple[int, int, int, int]:
    """(uploaded, bytes, deleted, unchanged) from a deploy's summary line."""
    match = SUMMARY.search(proc.stderr)
    assert match, proc.stderr
    return tuple(int(n) for n in match.groups())


def uploads(proc: subprocess.CompletedProcess) -> list[str]:
    """The files a -v deploy uploaded, in the order it sent them."""
    return re.findall(r"^uploaded (\S+) \(\d+ bytes\)$", proc.stderr, re.M)


MANIFEST = ".site_builder-manifest.json"  # a deploy's bookkeeping on the host, not the site


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path (a deploy's manifest left out)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p != folder / MANIFEST
    }


def changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    """Files new or different in `after`."""
    return {p for p, data in after.items() if before.get(p) != data}


def start_killable(site: Path, *args: str) -> subprocess.Popen:
    """A deploy in its own process group (so rsync, ssh and git children die with it).
    Its scratch folders go in a folder of its own, which kill_group removes: a SIGKILL
    leaves them. (Short, in /tmp: ssh's control socket path must stay under 108 bytes.)"""
    scratch = tempfile.mkdtemp(prefix="sbk-")
    proc = subprocess.Popen(
        [sys.executable, "-m", "site_builder", *args],
        cwd=site,
        env={**ENV, "TMPDIR": scratch},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    SCRATCH[proc.pid] = scratch
    return proc


SCRATCH: dict[int, str] = {}  # a killable deploy's pid -> its scratch folder


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the deploy and every child it started; remove its scratch folder."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()
    drop_scratch(proc)


def drop_scratch(proc: subprocess.Popen) -> None:
    """Remove the scratch folder of a killable deploy that has ended."""
    scratch = SCRATCH.pop(proc.pid, None)
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Sshd:
    """Debian's sshd on a loopback port, with a throwaway host key and user key."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("host_key", "user_key"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)],
                check=True,
            )
        shutil.copy(folder / "user_key.pub", folder / "authorized_keys")
        self.port = free_port()
        self.user = getpass.getuser()
        (folder / "sshd_config").write_text(
            f"Port {self.port}\nListenAddress 127.0.0.1\nHostKey {folder}/host_key\n"
            f"AuthorizedKeysFile {folder}/authorized_keys\nPidFile {folder}/sshd.pid\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
            "StrictModes no\nPermitRootLogin prohibit-password\nMaxStartups 50\n"
            "Subsystem sftp internal-sftp\n",
            encoding="utf-8",
        )
        Path("/run/sshd").mkdir(exist_ok=True)  # sshd's privilege separation folder
        self.proc = subprocess.Popen(
            ["/usr/sbin/sshd", "-D", "-e", "-f", str(folder / "sshd_config")],
            stderr=subprocess.PIPE,
            text=True,
        )
        for line in self.proc.stderr:  # wait for the event, not for a time
            if "Server listening" in line:
                break
        else:
            raise RuntimeError("sshd did not start")
        threading.Thread(target=self.proc.stderr.read, daemon=True).start()

    @property
    def ssh_command(self) -> str:
        return (
            f"ssh -i {self.folder}/user_key -o StrictHostKeyChecking=no "
            "-o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR"
        )

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait()


class DroppingProxy:
    """A TCP proxy to a loopback port that cuts every connection, and refuses new ones,
    once `limit` bytes went from client to server: a host dropping the connection."""

    def __init__(self, port: int, limit: int):
        self.target, self.limit, self.sent = port, limit, 0
        self.cut = threading.Event()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            if self.cut.is_set():
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, counted: bool) -> None:
        try:
            while data := source.recv(16384):
                if counted:
                    with self.lock:
                        self.sent += len(data)
                        if self.sent > self.limit:
                            self.cut.set()
                if self.cut.is_set():
                    break
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def close(self) -> None:
        self.server.close()
