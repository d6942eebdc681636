"""The plan's pages rendered on every core: forked workers each run a chunk of the plan's
steps (newscli.parallel) and send back what they rendered, which the parent writes; a small
site is rendered in order. The result is the same either way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from newscli import parallel
from newscli.export.builder import Progress, SiteBuilder
from newscli.export.output import Worker
from newscli.export.render_cache import Renders

# Pages to render before a process per core pays for itself.
PARALLEL_FROM = 400
CHUNK = 64


@dataclass
class Rendered:
    """What one rendering process did with a chunk of steps, for the parent to take in."""

    output: Worker
    page_count: int
    warnings: list[tuple[int, list[str]]]
    assets: dict[str, Path]
    found: dict[str, Path | None]
    refused: dict[str, str]
    renders: Renders


def _render_chunk(
    builder: SiteBuilder, steps: list[Callable[[], None]], indices: range
) -> Rendered:
    """In a forked process: run some steps of the plan; the parent writes what they render."""
    output = builder.out.start_worker()
    builder.report.pages = 0
    files = builder.files
    files.assets = {}
    builder.renders.rendered = Renders()
    known = set(files.found)  # the parent hears only of files looked for in this chunk
    warnings = []
    for index in indices:
        before = len(builder.report.warnings)
        steps[index]()
        warnings.append((index, builder.report.warnings[before:]))
        del builder.report.warnings[before:]
    return Rendered(
        output,
        builder.report.pages,
        warnings,
        files.assets,
        {src: path for src, path in files.found.items() if src not in known},
        {src: why for src, why in files.refused.items() if src not in known},
        builder.renders.rendered,
    )


def render_steps(
    builder: SiteBuilder, steps: list[Callable[[], None]], progress: Progress | None
) -> None:
    """Run every step of the plan: on every core for a big site, in order otherwise.

    The result is the same either way: each page is its own file, and warnings are put back
    in plan order.
    """
    processes = parallel.workers(len(steps), PARALLEL_FROM)
    if processes < 2:
        for done, step in enumerate(steps, 1):
            step()
            if progress is not None:
                progress(done, len(steps))
        return
    chunks = [range(start, min(start + CHUNK, len(steps))) for start in range(0, len(steps), CHUNK)]
    warnings: list[tuple[int, list[str]]] = []
    done = 0
    work = partial(_render_chunk, builder, steps)
    for rendered in parallel.shared_out(work, chunks, processes):
        builder.out.merge(rendered.output)
        builder.report.pages += rendered.page_count
        builder.files.assets.update(rendered.assets)
        builder.files.found.update(rendered.found)
        builder.files.refused.update(rendered.refused)
        builder.renders.take(rendered.renders)
        builder.renders.flush()  # a big site's new renderings never pile up here
        warnings.extend(rendered.warnings)
        done += len(rendered.warnings)
        if progress is not None:
            progress(done, len(steps))
    for _index, found in sorted(warnings, key=lambda item: item[0]):
        builder.report.warnings.extend(found)
