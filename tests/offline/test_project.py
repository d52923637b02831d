"""Finding a Pulumi program and the config it sees, as the Pulumi CLI would (no Pulumi needed)."""

from __future__ import annotations

import json

import pytest

from pulumi_argo_orchestration.offline.project import (
    ProjectError,
    find_project,
    is_program_path,
    parse_assignment,
    program_config,
    stack_config,
)
from tests.conftest import EXAMPLES, ROOT


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_program_paths_are_directories_py_files_and_project_files(tmp_path):
    spec = write(tmp_path / "pipeline.yaml", "name: x\n")
    assert not is_program_path(spec)
    assert is_program_path(tmp_path)
    assert is_program_path(write(tmp_path / "main.py", ""))
    assert is_program_path(write(tmp_path / "Pulumi.yaml", "name: x\nruntime: python\n"))


def test_root_project_honours_main():
    project = find_project(ROOT)
    assert project.name == "scheduled-sync"
    assert project.main == (EXAMPLES / "scheduled-sync").resolve()
    assert project.work_dir == project.main
    assert project.config_dir == ROOT


def test_main_may_name_a_file_and_a_py_file_finds_its_project(tmp_path):
    write(tmp_path / "Pulumi.yaml", "name: demo\nruntime: python\nmain: infra/app.py\n")
    app = write(tmp_path / "infra" / "app.py", "")
    project = find_project(tmp_path)
    assert project.main == app.resolve()
    assert project.work_dir == app.parent.resolve()
    other = write(tmp_path / "infra" / "other.py", "")
    by_file = find_project(other)
    assert (by_file.name, by_file.main, by_file.root) == ("demo", other.resolve(), tmp_path)


def test_a_py_file_without_project_is_named_after_its_directory(tmp_path):
    program = write(tmp_path / "infra" / "main.py", "")
    project = find_project(program)
    assert (project.name, project.main, project.config_dir) == (
        "infra",
        program.resolve(),
        program.parent.resolve(),
    )


def test_project_problems_are_listed_together(tmp_path):
    write(tmp_path / "Pulumi.yaml", "runtime: nodejs\nmain: missing/\n")
    with pytest.raises(ProjectError) as caught:
        find_project(tmp_path)
    text = str(caught.value)
    assert "name: required" in text
    assert "'nodejs' programs cannot run offline" in text
    assert "main: 'missing/' does not exist" in text


def test_directory_without_project_file_or_main(tmp_path):
    with pytest.raises(ProjectError, match=r"no Pulumi\.yaml"):
        find_project(tmp_path)
    write(tmp_path / "Pulumi.yaml", "name: demo\nruntime:\n  name: python\n")
    with pytest.raises(ProjectError, match=r"no __main__\.py"):
        find_project(tmp_path)


def test_config_layers_project_defaults_stack_file_then_command_line(tmp_path):
    write(
        tmp_path / "Pulumi.yaml",
        "name: demo\nruntime: python\nconfig:\n"
        "  team: platform\n"
        "  region: {type: string, default: eu}\n"
        "  size: {type: integer}\n"
        "  kubernetes:namespace: apps\n",
    )
    write(tmp_path / "__main__.py", "")
    write(
        tmp_path / "config" / "Pulumi.dev.yaml",
        "config:\n  demo:region: us\n  demo:replicas: 2\n  demo:debug: true\n"
        "  demo:tags: {a: 1}\n  aws:region: eu-west-1\n",
    )
    (tmp_path / "Pulumi.yaml").write_text(
        (tmp_path / "Pulumi.yaml").read_text() + "stackConfigDir: config\n"
    )
    project = find_project(tmp_path)
    settings = program_config(
        project, "dev", config={"replicas": "3", "x:y": "z"}, secrets={"token": "t"}
    )
    assert settings.values == {
        "demo:team": "platform",
        "demo:region": "us",
        "kubernetes:namespace": "apps",
        "demo:replicas": "3",
        "demo:debug": "true",
        "demo:tags": json.dumps({"a": 1}, separators=(",", ":")),
        "aws:region": "eu-west-1",
        "x:y": "z",
        "demo:token": "t",
    }
    assert settings.secret_keys == {"demo:token"}


def test_every_secure_value_is_named_in_one_error(tmp_path):
    write(tmp_path / "Pulumi.yaml", "name: demo\nruntime: python\n")
    write(tmp_path / "__main__.py", "")
    write(
        tmp_path / "Pulumi.prod.yaml",
        "config:\n  demo:password:\n    secure: AAABAJ\n  demo:plain: x\n"
        "  demo:nested:\n    inner:\n      - secure: AAAB\n",
    )
    project = find_project(tmp_path)
    with pytest.raises(ProjectError) as caught:
        stack_config(project, "prod")
    assert caught.value.problems == (
        "demo:password: `secure:` value cannot be decrypted without the Pulumi CLI; "
        "pass it with --secret demo:password=VALUE",
        "demo:nested.inner[0]: `secure:` value cannot be decrypted without the Pulumi CLI; "
        "pass it with --secret demo:nested=VALUE",
    )
    assert str(tmp_path / "Pulumi.prod.yaml") in str(caught.value)
    # Given on the command line instead, the ciphertexts are not needed.
    settings = program_config(
        project, "prod", secrets={"password": "p", "demo:nested": '{"inner": ["x"]}'}
    )
    assert settings.values == {
        "demo:password": "p",
        "demo:plain": "x",
        "demo:nested": '{"inner": ["x"]}',
    }
    assert settings.secret_keys == {"demo:password", "demo:nested"}


def test_missing_stack_file_and_esc_environments_are_errors(tmp_path):
    write(tmp_path / "Pulumi.yaml", "name: demo\nruntime: python\n")
    write(tmp_path / "__main__.py", "")
    project = find_project(tmp_path)
    with pytest.raises(ProjectError, match="no stack file for stack 'qa'"):
        stack_config(project, "qa")
    write(tmp_path / "Pulumi.qa.yaml", "environment: [shared]\nconfig: {}\n")
    with pytest.raises(ProjectError, match="ESC environments"):
        stack_config(project, "qa")


def test_a_qualified_stack_name_uses_its_last_part(tmp_path):
    write(tmp_path / "Pulumi.yaml", "name: demo\nruntime: python\n")
    write(tmp_path / "__main__.py", "")
    write(tmp_path / "Pulumi.dev.yml", "config:\n  demo:a: b\n")
    assert stack_config(find_project(tmp_path), "acme/demo/dev") == {"demo:a": "b"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a=b", ("a", "b")), ("ns:a=b=c", ("ns:a", "b=c")), ("a=", ("a", ""))],
)
def test_assignments(text, expected):
    assert parse_assignment(text) == expected


@pytest.mark.parametrize("text", ["novalue", "=x", " =x"])
def test_bad_assignments(text):
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_assignment(text)


# The alias bomb below written out: the list `a` is 1 node + 10 scalars of 2 (node + "x"), each
# next list 1 + 10 of the one before, and the mapping 1 + its keys (`a` 2, `aN` 3 each).
SIZES = [21]
for _ in range(8):
    SIZES.append(1 + 10 * SIZES[-1])
EXPANDED = 1 + 2 + 3 * 8 + sum(SIZES)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "name: deep\nruntime: python\nconfig: " + "[" * 100_000 + "]" * 100_000 + "\n",
            "line 3, column 1008: not valid YAML: exceeded maximum nesting depth",
        ),
        (
            "name: a\nruntime: python\nname: b\n",
            "line 3, column 1: duplicate key 'name' (first on line 1): YAML would silently keep "
            "only the last one",
        ),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"a{i}: &a{i} [{', '.join([f'*a{i - 1}' if i > 1 else '*a'] * 10)}]\n"
                for i in range(1, 9)
            ),
            "line 1, column 1: with its aliases (*name) expanded the document would take about "
            f"{EXPANDED:,} bytes, more than the 8 MiB an input file may hold",
        ),
    ],
    ids=["nested-100000-deep", "duplicate-key", "alias-bomb"],
)
def test_a_project_file_is_read_within_the_spec_files_limits(tmp_path, text, problem):
    write(tmp_path / "Pulumi.yaml", text)
    with pytest.raises(ProjectError) as caught:
        find_project(tmp_path)
    assert caught.value.problems == (problem,)
