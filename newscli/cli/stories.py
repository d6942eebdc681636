"""Commands for writing and reading stories: new, list, show, edit, check."""

from __future__ import annotations

import datetime as dt
import enum
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from newscli.cli.common import RootOption, env, open_newsroom, report_skipped, warn
from newscli.errors import ArticleError, ExitStatus, NewsError, UsageError, WriteError

if TYPE_CHECKING:
    from newscli.newsroom import Newsroom
    from newscli.query import Filters

# -- new ------------------------------------------------------------------------


class Status(enum.StrEnum):
    draft = "draft"
    published = "published"


def _read_body(body_file: str | None) -> str:
    if body_file is None:
        return ""
    try:
        if body_file == "-":
            return sys.stdin.read()
        return Path(body_file).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{body_file}: the body is not valid UTF-8") from None
    except OSError as exc:
        raise UsageError(f"{body_file}: cannot read the body: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL byte in the name
        raise UsageError(f"{body_file!r}: cannot read the body: {exc}") from None


def editor_command() -> list[str]:
    """$EDITOR, then $VISUAL, then the first of sensible-editor, nano, vi on the PATH."""
    for name in ("EDITOR", "VISUAL"):
        value = os.environ.get(name, "").strip()
        if value:
            return shlex.split(value)
    for fallback in ("sensible-editor", "nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise UsageError("no editor found: set $EDITOR (for example EDITOR=nano)")


def run_editor(path: Path) -> None:
    command = editor_command()
    try:
        code = subprocess.call([*command, str(path)])
    except OSError as exc:
        raise UsageError(f"cannot start the editor {command[0]!r}: {exc.strerror or exc}") from None
    if code != 0:
        raise NewsError(f"the editor {command[0]!r} exited with status {code}", path)


def new(
    title: Annotated[str | None, typer.Argument(help="Headline of the story.")] = None,
    teaser: Annotated[str | None, typer.Option(help="Lead paragraph shown on listings.")] = None,
    topic: Annotated[
        list[str] | None, typer.Option("--topic", "-t", help="A topic (repeatable).")
    ] = None,
    author: Annotated[
        str | None, typer.Option(help="Author line (default: [defaults] author).")
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="2021-11-23, '2021-11-23 14:00' or ISO 8601 (default: now).")
    ] = None,
    status: Annotated[Status | None, typer.Option(help="draft (default) or published.")] = None,
    publish: Annotated[bool, typer.Option("--publish", help="Same as --status published.")] = False,
    body_file: Annotated[
        str | None, typer.Option("--body-file", help="Markdown body from a file, or - for stdin.")
    ] = None,
    image: Annotated[
        str | None, typer.Option(help="Photo path inside the newsroom (or an https:// URL).")
    ] = None,
    caption: Annotated[str, typer.Option(help="Photo caption.")] = "",
    credit: Annotated[str, typer.Option(help="Photographer credit (shown as 'Foto: …').")] = "",
    edit: Annotated[bool, typer.Option("--edit", help="Open the new file in $EDITOR.")] = False,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt; fail if the title is missing.")
    ] = False,
    root: RootOption = None,
) -> None:
    """Create an article and print the path of its new file."""
    from newscli.newsroom import new_draft, parse_date

    newsroom = open_newsroom(root)
    site = newsroom.site
    if publish and status is Status.draft:
        raise UsageError("--publish and --status draft contradict each other")
    chosen_status = "published" if publish else (status.value if status else "draft")
    interactive = not no_input and env.stdin_is_terminal() and body_file != "-"
    topics = list(topic or [])
    if interactive:
        if not title:
            title = typer.prompt("Rubrik (title)")
        if teaser is None:
            teaser = typer.prompt("Ingress (teaser)", default="", show_default=False)
        if not topics:
            typed = typer.prompt("Ämnen (topics, comma-separated)", default="", show_default=False)
            topics = [t for t in typed.split(",") if t.strip()]
    if not title or not title.strip():
        raise UsageError(
            'a title is required: newscli new "Rubrik" (prompts only on a terminal without --no-input)'
        )
    if image is not None and not image.startswith(("https://", "http://")):
        from newscli.article import is_safe_relative

        if not is_safe_relative(image):
            raise UsageError(
                f"--image {image!r} must be a path inside the newsroom or an http(s) URL"
            )
    when = parse_date(date, site) if date else None
    draft = new_draft(
        site,
        title,
        now=env.now(site.tz),
        teaser=teaser,
        topics=topics,
        author=author,
        date=when,
        status=chosen_status,
        body=_read_body(body_file),
        image=image,
        caption=caption,
        credit=credit,
    )
    article = newsroom.create(draft)
    report_skipped(newsroom)
    typer.echo(str(article.path))
    if edit:
        edit_file(newsroom, newsroom.file_of(article))


# -- list, show -------------------------------------------------------------------


SCREENFUL = 50


class ListFormat(enum.StrEnum):
    table = "table"
    cards = "cards"
    json = "json"
    csv = "csv"
    paths = "paths"


TopicOption = Annotated[
    list[str] | None, typer.Option("--topic", help="Only this topic (repeatable: any of them).")
]
AuthorOption = Annotated[str | None, typer.Option(help="Only this author.")]
StatusOption = Annotated[Status | None, typer.Option("--status", help="Only draft or published.")]
SinceOption = Annotated[str | None, typer.Option(help="Only stories dated on or after this date.")]
UntilOption = Annotated[str | None, typer.Option(help="Only stories dated on or before this date.")]
SearchOption = Annotated[
    str | None,
    typer.Option(help="Words that title, teaser or body contain (case and accents ignored)."),
]


def build_filters(
    newsroom: Newsroom,
    topic: list[str] | None,
    author: str | None,
    status: Status | None,
    since: str | None,
    until: str | None,
    search: str | None,
) -> Filters:
    from newscli.newsroom import parse_date
    from newscli.query import Filters

    site = newsroom.site
    return Filters(
        topics=tuple(topic or ()),
        author=author,
        status=status.value if status else None,
        since=parse_date(since, site) if since else None,
        until=parse_date(until, site, end_of_day=True) if until else None,
        search=search,
    )


def list_articles(
    topic: TopicOption = None,
    author: AuthorOption = None,
    status: StatusOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    search: SearchOption = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many stories.")] = None,
    format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.table,
    no_index: Annotated[
        bool, typer.Option("--no-index", help="Read every file instead of the index in .newscli/.")
    ] = False,
    root: RootOption = None,
) -> None:
    """List articles, newest first."""
    from newscli.index import catalog, catalog_records

    newsroom = open_newsroom(root)
    filters = build_filters(newsroom, topic, author, status, since, until, search)
    if format in (ListFormat.json, ListFormat.csv, ListFormat.paths):
        from newscli.render.machine import write_records

        fields = "path" if format is ListFormat.paths else "machine"
        records = catalog_records(newsroom, filters, limit, not no_index, fields)
        report_skipped(newsroom)
        write_records(records, format.value, sys.stdout)
        return
    # Tables and cards are for people: one screenful unless --limit asks for more.
    page = catalog(newsroom, filters, limit or SCREENFUL, use_index=not no_index)
    report_skipped(newsroom)
    if not page.articles:
        typer.echo("No articles match." if filters.active else "No articles yet.", err=True)
        return
    from newscli.render import terminal

    out = terminal.console()
    if format is ListFormat.cards:
        terminal.print_cards(page.articles, newsroom.site.language, out)
    else:
        terminal.print_table(page.articles, newsroom.site.language, out)
    hidden = page.total - len(page.articles)
    if hidden > 0:
        terminal.print_more(hidden, page.total, out)


def show(
    ref: Annotated[str, typer.Argument(help="Slug, path, or unique id prefix.")],
    teaser: Annotated[bool, typer.Option("--teaser", help="Show the teaser card only.")] = False,
    raw: Annotated[bool, typer.Option("--raw", help="Print the file as it is.")] = False,
    root: RootOption = None,
) -> None:
    """Preview one article: the full story, its teaser card, or the raw file."""
    newsroom = open_newsroom(root)
    article = newsroom.resolve(ref)
    report_skipped(newsroom)
    if raw:
        sys.stdout.flush()
        typer.echo(newsroom.file_of(article).read_text(encoding="utf-8"), nl=False)
        return
    from newscli.render import terminal

    out = terminal.console()
    if teaser:
        out.print(terminal.teaser_card(article, newsroom.site.language))
    else:
        terminal.print_story(article, newsroom.site.language, out)


# -- edit, check --------------------------------------------------------------------


def _rescue(newsroom: Newsroom, name: str, data: bytes) -> Path:
    """Keep what the user wrote that could not be saved, byte for byte, where they can find
    it: in .newscli/rescued/, or in the system's temporary folder if that cannot be written."""
    from newscli.newsroom import write_atomic

    stem = Path(name).stem
    folder = newsroom.root / ".newscli" / "rescued"
    stamp = env.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{stem}-{stamp}.md"
        write_atomic(target, data)
        return target
    except (OSError, NewsError):
        fd, elsewhere = tempfile.mkstemp(prefix=f"newscli-{stem}-{stamp}-", suffix=".md")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return Path(elsewhere)


def edit_file(newsroom: Newsroom, path: Path) -> None:
    """Edit a copy of the file; save it back only if it is a valid article and nobody else changed it."""
    from newscli.newsroom import decode, parse_article, write_atomic

    original = path.read_bytes()
    with tempfile.TemporaryDirectory(prefix="newscli-") as folder:
        scratch = Path(folder) / path.name
        scratch.write_bytes(original)
        while True:
            run_editor(scratch)
            data = scratch.read_bytes()
            if data == original:
                typer.echo("No changes.", err=True)
                return
            rel = newsroom.relative(path)
            try:
                parse_article(decode(data, rel), newsroom.site, rel)
            except ArticleError as exc:
                warn(str(exc))
                if env.stdin_is_terminal() and typer.confirm(
                    "Open the editor again?", default=True
                ):
                    continue
                kept = _rescue(newsroom, path.name, data)
                raise NewsError(
                    f"not saved: the article is not valid; your text is kept in {kept}", rel
                ) from None
            if path.read_bytes() != original:
                kept = _rescue(newsroom, path.name, data)
                raise NewsError(
                    f"changed on disk while you edited; not saved, your version is kept in {kept}",
                    rel,
                )
            try:
                write_atomic(path, data)
            except WriteError as exc:
                kept = _rescue(newsroom, path.name, data)
                raise NewsError(f"{exc.message}; your version is kept in {kept}", rel) from None
            typer.echo(str(rel))
            return


def edit(
    ref: Annotated[str, typer.Argument(help="Slug, path, or unique id prefix.")],
    root: RootOption = None,
) -> None:
    """Open an article in $EDITOR and save it back only if it is still valid."""
    newsroom = open_newsroom(root)
    try:
        path = newsroom.file_of(newsroom.resolve(ref))
    except ArticleError as exc:
        if exc.path is None:
            raise
        path = newsroom.root / str(exc.path)
        newsroom.refuse_links_out(path)  # a broken file may be opened, a link out never
    edit_file(newsroom, path)


def check(root: RootOption = None) -> None:
    """Validate every article: one line per problem as path:line: message; exit 1 if any."""
    newsroom = open_newsroom(root)
    findings = newsroom.check()
    for finding in findings:
        typer.echo(str(finding))
    total = len(newsroom.article_files())
    if findings:
        files = len({f.path for f in findings})
        typer.echo(f"{len(findings)} problem(s) in {files} of {total} article file(s)", err=True)
        raise typer.Exit(ExitStatus.FAILURE)
    typer.echo(f"All {total} article file(s) are valid.", err=True)
