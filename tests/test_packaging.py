"""The distribution as users get it: one version, a changelog entry, and a wheel that works alone.

The slow test builds the sdist and the wheel with `python -m build`, installs the wheel into a
fresh virtual environment and runs the CLI from there. The wheel is installed without its
dependencies; the ones this interpreter already has are made visible through a `.pth` file
(appended after the new environment's own site-packages, and not processed further, so no
development checkout shadows the installed copy).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

from pulumi_argo_orchestration import __version__
from tests.conftest import EXAMPLES, ROOT, require_shared

SEED = EXAMPLES / "scheduled-sync" / "pipeline.yaml"
GOLDEN = ROOT / "tests" / "golden" / "scheduled-sync.yaml"


def test_the_version_is_defined_once_and_has_a_changelog_entry():
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "pulumi_argo_orchestration._version.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    changelog = (ROOT / "CHANGELOG.md").read_text()
    heading = rf"^## \[{re.escape(__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$"
    assert re.search(heading, changelog, re.MULTILINE)


def test_the_license_file_is_apache_2():
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text
    assert "Version 2.0, January 2004" in text


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    return out


@pytest.mark.slow
def test_the_wheel_carries_the_package_data_cli_and_metadata(dist: Path):
    (wheel,) = dist.glob("*.whl")
    info = f"pulumi_argo_orchestration-{__version__}.dist-info"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
        metadata = archive.read(f"{info}/METADATA").decode()
    for name in (
        "py.typed",
        "pulumi-plugin.json",
        "__main__.py",
        "components/provider.py",
        "cli/main.py",
        "spec/models.py",
        "argo/manifests.py",
        "spec/argo_schema/template-v4.json",
        "spec/argo_schema/template-v3.5.json",
        "spec/argo_schema/NOTICE",
    ):
        assert f"pulumi_argo_orchestration/{name}" in names
    assert f"{info}/licenses/LICENSE" in names
    assert "argo-orchestration = pulumi_argo_orchestration.cli.main:run" in entry_points
    assert f"\nVersion: {__version__}\n" in metadata
    assert "\nLicense-Expression: Apache-2.0\n" in metadata
    assert "\nRequires-Dist: pulumi<4,>=3.237\n" in metadata


@pytest.mark.slow
def test_the_sdist_carries_what_a_release_is_reviewed_and_tested_with(dist: Path):
    (sdist,) = dist.glob("*.tar.gz")
    top = f"pulumi_argo_orchestration-{__version__}"
    with tarfile.open(sdist) as archive:
        names = {name.removeprefix(f"{top}/") for name in archive.getnames()}
    expected = {
        "LICENSE",
        "CHANGELOG.md",
        "README.md",
        "PulumiPlugin.yaml",
        "docs/multi-language.md",
        "pulumi_argo_orchestration/py.typed",
        "pulumi_argo_orchestration/pulumi-plugin.json",
        "tests/conftest.py",
        "tests/golden/scheduled-sync.yaml",
        "examples/scheduled-sync/pipeline.yaml",
    }
    assert expected <= names
    assert not [name for name in names if "__pycache__" in name]


@pytest.mark.slow
def test_the_wheel_installs_into_a_fresh_venv_and_renders(dist: Path, tmp_path: Path):
    (wheel,) = dist.glob("*.whl")
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # A PYTHONPATH pointing at a checkout would shadow the installed copy.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    install = subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", wheel],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert install.returncode == 0, install.stderr
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site, "zz_dependencies.pth").write_text("".join(f"{path}\n" for path in sorted(deps)))

    where = subprocess.run(
        [python, "-c", "import pulumi_argo_orchestration as p; print(p.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=env,
    ).stdout.strip()
    assert Path(where).is_relative_to(env_dir)

    cli = env_dir / "bin" / "argo-orchestration"
    version = subprocess.run(
        [cli, "--version"], capture_output=True, text=True, check=True, cwd=tmp_path, env=env
    )
    assert __version__ in version.stdout
    render = subprocess.run(
        [cli, "render", SEED], capture_output=True, text=True, check=False, cwd=tmp_path, env=env
    )
    assert render.returncode == 0, render.stderr
    assert render.stdout == GOLDEN.read_text(encoding="utf-8")
    # Further Argo fields are checked against the schema subset inside the installed package.
    jobs = EXAMPLES / "data-platform" / "pipeline.yaml"
    render = subprocess.run(
        [cli, "render", jobs], capture_output=True, text=True, check=False, cwd=tmp_path, env=env
    )
    assert render.returncode == 0, render.stderr
    assert render.stdout == (ROOT / "tests" / "golden" / "data-platform.yaml").read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text(jobs.read_text().replace("terminationMessagePolicy", "terminationPolicy"))
    refused = subprocess.run(
        [cli, "validate", broken],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env=env,
    )
    assert refused.returncode == 1
    assert "templates[1].argo.container.terminationPolicy: unknown field (did you mean " in (
        refused.stderr
    )


def test_the_shipped_argo_schema_is_the_generators_output_from_argos_schema():
    """`scripts/generate_argo_schema.py --check`: the package data matches ../shared/argo."""
    require_shared()
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_argo_schema.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    notice = (ROOT / "pulumi_argo_orchestration" / "spec" / "argo_schema" / "NOTICE").read_text()
    v4 = ROOT / "pulumi_argo_orchestration" / "spec" / "argo_schema" / "template-v4.json"
    commit = re.search(r"commit ([0-9a-f]{12})", v4.read_text()).group(1)
    assert f"commit {commit}" in notice
    assert "Copyright 2017-2018 The Argo Authors" in notice
