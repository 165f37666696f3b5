"""The page shell and the small pieces of HTML every dashboard page uses (every value escaped)."""

import html
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote

from service.api.schemas import PartitionModels, VersionInfo

STATIC = "/dashboard/static"


def page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{STATIC}/dashboard.css">
<script src="{STATIC}/plotly.min.js"></script>
<script src="{STATIC}/dashboard.js" defer></script>
</head><body>
<header><a href="/dashboard">MLOps dashboard</a> <a href="/docs">API</a> <a href="/health">health</a></header>
<main><h1>{esc(title)}</h1>
{body}
</main></body></html>"""


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"


def partition_link(project: str, partition: str, css: str = "partition") -> str:
    """A link to the project page showing `partition`."""
    return f'<a class="{css}" href="/dashboard/{quote(project)}?partition={quote(partition)}">{esc(partition)}</a>'


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], css: str = "") -> str:
    """A table of already escaped cells."""
    head = "".join(f"<th>{esc(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def version_cell(version: VersionInfo | None) -> str:
    """v3 (ridge)"""
    return f"v{esc(version.version)} ({esc(version.candidate)})" if version else '<span class="muted">none</span>'


def champion_cell(models: PartitionModels) -> str:
    """The champion, and a visible mark when the naive baseline itself serves."""
    cell = version_cell(models.champion)
    if models.baseline_serves:
        cell += ' <span class="baseline-serves">the baseline serves</span>'
    return cell


def skill_cell(version: VersionInfo | None) -> str:
    """test MAE 0.91 vs baseline 0.95 (4.2% better)"""
    if version is None or version.skill is None:
        return '<span class="muted">unknown</span>'
    skill = version.skill
    if skill.improvement is None:
        verdict = ""
    elif abs(skill.improvement) < 5e-4:
        verdict = " (as good)"
    else:
        verdict = f" ({abs(skill.improvement):.1%} {'better' if skill.improvement > 0 else 'worse'})"
    return f"test {esc(skill.metric)} {skill.value:.4g} vs baseline {skill.baseline:.4g}{verdict}"
