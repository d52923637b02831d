"""A field documented in the model carries the same docstring in the Pulumi args TypedDict.

Spec files and Pulumi programs describe the same fields; `pipeline_args.py` mirrors `model.py`
and Pulumi's analyzer reads its attribute docstrings, so the two texts must not drift apart.
"""

from __future__ import annotations

import ast
import inspect

from pydantic import BaseModel

from pulumi_argo_orchestration import model, pipeline_args

ARGS_FOR = {
    "ScheduledPipelineArgs": model.Pipeline,
    "SharedWorkflowTemplateArgs": model.SharedTemplate,
    "PodSecurityArgs": model.PodSecurity,
    "TemplateArgs": model.Template,
}


def typed_dict_docs() -> dict[str, dict[str, str]]:
    """Attribute docstrings of every TypedDict in pipeline_args.py, by class and field."""
    tree = ast.parse(inspect.getsource(pipeline_args))
    docs: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            fields = docs.setdefault(node.name, {})
            for base in node.bases:  # TypedDicts inherit their base's fields
                if isinstance(base, ast.Name) and base.id in docs:
                    fields.update(docs[base.id])
            for statement, following in zip(node.body, node.body[1:], strict=False):
                if (
                    isinstance(statement, ast.AnnAssign)
                    and isinstance(statement.target, ast.Name)
                    and isinstance(following, ast.Expr)
                    and isinstance(following.value, ast.Constant)
                ):
                    fields[statement.target.id] = following.value.value
    return docs


def model_for(args_class: str) -> type[BaseModel] | None:
    if args_class in ARGS_FOR:
        return ARGS_FOR[args_class]
    found = getattr(model, args_class.removesuffix("Args"), None)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None


def test_documented_model_fields_have_the_same_docstring_in_the_args():
    docs = typed_dict_docs()
    compared = 0
    for args_class, fields in docs.items():
        spec_model = model_for(args_class)
        if spec_model is None:
            continue
        for name, field in spec_model.model_fields.items():
            if field.description is None:
                continue
            assert name in fields, f"{args_class}.{name} is missing or has no docstring"
            assert fields[name] == field.description, f"{args_class}.{name}"
            compared += 1
    assert compared >= 9  # at least the security and token fields


def test_security_and_token_fields_are_in_the_args():
    docs = typed_dict_docs()
    for args_class in ("ScheduledPipelineArgs", "TemplateArgs"):
        assert {"automount_service_account_token", "executor_service_account_name"} <= set(
            docs[args_class]
        )
    assert "security" in docs["TemplateArgs"]
    assert set(docs["PodSecurityArgs"]) == set(model.PodSecurity.model_fields)
