"""What the import reads: files, `kubectl get -o yaml` output, and what it says about the rest."""

from __future__ import annotations

import yaml

from pulumi_argo_orchestration.migrate.documents import read_files
from pulumi_argo_orchestration.migrate.importer import REFUSED, import_input
from tests.migrate.test_cron_workflow import ORCHESTRATOR
from tests.support.importing import cannot, changes, import_yaml, refusals


def test_kubectl_output_is_read_like_the_file_it_came_from():
    """A `List` counts as its items; fields the server sets are no part of a spec."""
    cron = yaml.safe_load(ORCHESTRATOR)
    cron["metadata"].update(
        uid="0b5c",
        resourceVersion="123",
        generation=4,
        creationTimestamp="2025-01-01T00:00:00Z",
        managedFields=[{"manager": "kubectl"}],
        annotations={
            "kubectl.kubernetes.io/last-applied-configuration": "{}",
            "cronworkflows.argoproj.io/last-used-schedule": "CRON_TZ=UTC 0 3 * * *",
        },
    )
    cron["status"] = {"active": [], "lastScheduledTime": "2025-01-01T03:00:00Z"}
    listed = yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [cron]})
    from_cluster, from_file = import_yaml(listed), import_yaml(ORCHESTRATOR)
    assert [p.spec for p in from_cluster.pipelines] == [p.spec for p in from_file.pipelines]
    assert cannot(from_cluster) == []
    assert refusals(from_cluster) == []
    assert [c.replace("in.yaml:0:items[0].", "in.yaml:0:") for c in changes(from_cluster)] == (
        changes(from_file)
    )


def test_other_kinds_are_refused_by_name():
    text = """\
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings}
    ---
    apiVersion: rbac.authorization.k8s.io/v1
    kind: Role
    metadata: {name: orchestrator}
    ---
    just text
    """
    result = import_yaml(text)
    assert refusals(result) == [
        "in.yaml:0:kind: ConfigMap is not imported: import reads CronWorkflow, WorkflowTemplate "
        "and ClusterWorkflowTemplate",
        "in.yaml:1:kind: Role is not imported: the spec renders a ServiceAccount, Role and "
        "RoleBinding for each account it uses, with exactly the rights Argo needs",
    ]
    assert [str(f) for f in result.unreadable] == [
        "in.yaml:2: not a Kubernetes object (a YAML mapping)"
    ]
    assert [d.outcome for d in result.documents] == [REFUSED, REFUSED]
    assert not result.complete


def test_a_file_that_is_not_yaml_is_named_with_the_line(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("kind: CronWorkflow\nspec: [\n", encoding="utf-8")
    twice = tmp_path / "twice.yaml"
    twice.write_text("kind: CronWorkflow\nkind: Workflow\n", encoding="utf-8")
    result = import_input(read_files([broken, twice]))
    assert [str(f) for f in result.unreadable] == [
        f"{broken}:0: line 3, column 1: not valid YAML: did not find expected node content",
        f"{twice}:0: line 2, column 1: duplicate key 'kind' (first on line 1): YAML would "
        "silently keep only the last one",
    ]
    assert result.documents == []
    assert not result.produced
