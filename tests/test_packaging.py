"""The wheel carries the default theme: installed (not editable) into a fresh environment,
`site-builder init` and `build` work in an empty folder, far from the repository."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

# What a wheel is built from; a copy, so the build's scratch folders stay out of the checkout.
SOURCES = ("pyproject.toml", "README.md", "site_builder", "templates", "static")


def _run(*args: str | Path, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built with `pip wheel . --no-deps` from a copy of the repository."""
    root = tmp_path_factory.mktemp("wheel")
    (root / "src").mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(
                REPO / name, root / "src" / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(REPO / name, root / "src" / name)
    _run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "-q",
        "-w",
        root / "dist",
        root / "src",
        cwd=root,
        env=_clean_env(),
    )
    (built,) = (root / "dist").glob("site_builder-*.whl")
    return built


def _clean_env() -> dict[str, str]:
    """No PYTHONPATH: the repository must not be importable from the environment."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def test_the_wheel_holds_the_theme(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    theme = {f"site_builder/theme/templates/{p.name}" for p in (REPO / "templates").iterdir()}
    theme |= {f"site_builder/theme/static/{p.name}" for p in (REPO / "static").iterdir()}
    assert theme <= names and "site_builder/theme/templates/list.html" in names


def test_an_installed_wheel_builds_a_new_site(wheel, tmp_path):
    venv = tmp_path / "venv"
    env = _clean_env()
    # The dependencies come from this interpreter; pip too (run by the venv's python, it
    # installs into the venv).
    _run(
        sys.executable,
        "-m",
        "venv",
        "--system-site-packages",
        "--without-pip",
        venv,
        cwd=tmp_path,
        env=env,
    )
    python = venv / "bin" / "python"
    _see_this_environments_packages(python, tmp_path, env)
    _run(python, "-m", "pip", "install", "--no-deps", "-q", wheel, cwd=tmp_path, env=env)
    work = tmp_path / "empty"
    work.mkdir()
    where = _run(
        python, "-c", "import site_builder; print(site_builder.__file__)", cwd=work, env=env
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the wheel runs, not the checkout

    _run(venv / "bin" / "site-builder", "init", "news", cwd=work, env=env)
    _run(venv / "bin" / "site-builder", "build", cwd=work / "news", env=env)
    output = work / "news" / "output"
    assert "Welcome to your news site" in (output / "index.html").read_text(encoding="utf-8")
    assert (output / "style.css").read_bytes() == (REPO / "static/style.css").read_bytes()

    # A site's static/ adds files and replaces single theme assets; templates/ likewise.
    (work / "news/static/CNAME").write_text("news.example.org\n", encoding="utf-8")
    (work / "news/static/favicon.svg").write_text("<svg/>", encoding="utf-8")
    (work / "news/templates").mkdir()
    (work / "news/templates/404.html").write_text("our own 404\n", encoding="utf-8")
    _run(venv / "bin" / "site-builder", "build", cwd=work / "news", env=env)
    assert (output / "CNAME").read_text(encoding="utf-8") == "news.example.org\n"
    assert (output / "favicon.svg").read_text(encoding="utf-8") == "<svg/>"
    assert (output / "style.css").is_file() and (output / "favicon.ico").is_file()
    assert (output / "404.html").read_text(encoding="utf-8") == "our own 404\n"
    assert "Welcome to your news site" in (output / "index.html").read_text(encoding="utf-8")


def _see_this_environments_packages(python: Path, cwd: Path, env: dict[str, str]) -> None:
    """The new venv reads the dependencies from the environment the tests run in.

    `--system-site-packages` alone gives the base interpreter's packages, which is not where
    they are when the tests run in a venv; a .pth file lists this environment's folders
    after the new venv's own (its lines are added to sys.path, the .pth files in them are
    not run, so the checkout's editable install stays out)."""
    purelib = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=cwd, env=env
    ).stdout.strip()
    folders = [p for p in site.getsitepackages() if Path(p).is_dir()]
    (Path(purelib) / "tests-environment.pth").write_text("\n".join(folders) + "\n", "utf-8")


def test_ci_ends_with_the_readme_test_command():
    """CI runs what the README tells a person to run, so the README's command is tested."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    last = (REPO / ".ci/run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert last == "python3 -m pip install -e '.[test]' && python3 -m pytest"
    assert f"\n    {last}\n" in readme
