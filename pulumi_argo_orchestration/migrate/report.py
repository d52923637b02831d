"""The import's account of itself, for a reviewer: per document, what it became, what could not be
carried (with the YAML path), and what the rendered result changes on purpose, and why.
"""

from __future__ import annotations

from collections import Counter

from .importer import DECLARED, IMPORTED, PARTIAL, REFUSED, ImportedDocument, ImportResult

_HEADINGS = {
    IMPORTED: "imported as {result}",
    PARTIAL: "partly imported as {result}",
    DECLARED: "not created by the spec: {result}",
    REFUSED: "refused",
}


def report_text(result: ImportResult) -> str:
    """Every document with its findings, then a one-line summary."""
    lines = [f"{finding.where}: not read: {finding.message}" for finding in result.unreadable]
    for document in result.documents:
        lines += _document_lines(document)
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def _document_lines(document: ImportedDocument) -> list[str]:
    what = f"{document.kind} {document.name}".strip()
    heading = _HEADINGS[document.outcome].format(result=document.result)
    lines = [f"{document.where}: {what}: {heading}"]
    findings = document.findings
    sections = [
        ("refused because", findings.refusals),
        ("cannot be expressed in the spec (left out)", findings.cannot),
    ]
    if document.outcome != REFUSED:
        sections.append(("changed on purpose by the rendered result", findings.changes))
    for title, found in sections:
        if found:
            lines.append(f"  {title}:")
            lines += [f"    - {finding}" for finding in found]
    return lines


def summary(result: ImportResult) -> str:
    """How many documents ended how, and how many fields were left out."""
    counts = Counter(document.outcome for document in result.documents)
    parts = [f"{counts[o]} {o}" for o in (IMPORTED, PARTIAL, DECLARED, REFUSED) if counts[o]]
    if result.unreadable:
        parts.append(f"{len(result.unreadable)} not read")
    left_out = sum(len(d.findings.cannot) for d in result.documents)
    total = len(result.documents) + len(result.unreadable)
    text = f"{total} document{'s' if total != 1 else ''}: {', '.join(parts) or 'nothing to import'}"
    if left_out:
        text += f"; {left_out} field{'s' if left_out != 1 else ''} cannot be expressed"
    if result.derived:
        text += (
            f"; {result.derived} object{'s' if result.derived != 1 else ''} this package "
            "derives from a spec (RBAC, semaphore ConfigMaps) read as such"
        )
    return text
