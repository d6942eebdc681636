"""Commands for writing and reading stories: new, list, show, edit, check."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from newscli.cli import completion
from newscli.cli.common import (
    ExcelOption,
    RootOption,
    environment,
    for_excel,
    open_newsroom,
    report_broken,
    say,
    show_line,
    spelled_topics,
    warn,
)
from newscli.cli.selection import (
    DryRunOption,
    Format,
    ListFormatOption,
    RefArgument,
    Selection,
    choose_topics,
    selecting,
)
from newscli.cli.story_photo import (
    KeepMetadataOption,
    ask_alt,
    photo_note,
    read_photo_argument,
    warn_about,
)
from newscli.errors import ArticleError, ExitStatus, UsageError
from newscli.i18n import N_, _, ngettext, number
from newscli.personal import refuse_new
from newscli.text import terminal_safe

if TYPE_CHECKING:
    from newscli.article import Summary
    from newscli.catalog import Catalog
    from newscli.environment import Environment
    from newscli.newsroom import Newsroom
    from newscli.plain import Readability
    from newscli.query import Filters
    from newscli.topics import Topics

# -- new ------------------------------------------------------------------------


class Status(enum.StrEnum):
    draft = "draft"
    published = "published"


class _Safe:
    """A stream that shows on a terminal what it is given, without obeying it."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(terminal_safe(text, lines=True))

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)


# A body longer than this is refused (newsroom.MAX_ARTICLE_BYTES is the file's limit).
MAX_BODY = 4 * 2**20


def _read_body(env: Environment, body_file: str | None) -> str:
    if body_file is None:
        return ""
    try:
        if body_file == "-":
            text = env.stdin.read(MAX_BODY + 1)
        else:
            with Path(body_file).open(encoding="utf-8") as handle:
                text = handle.read(MAX_BODY + 1)
        if len(text) > MAX_BODY:
            raise UsageError(
                _(
                    "{file}: the body is longer than {size} M characters; "
                    "a story may be at most that long"
                ).format(file=body_file, size=number(MAX_BODY // 2**20))
            )
        return text
    except UnicodeDecodeError:
        raise UsageError(_("{file}: the body is not valid UTF-8").format(file=body_file)) from None
    except OSError as exc:
        raise UsageError(
            _("{file}: cannot read the body: {reason}").format(
                file=body_file, reason=exc.strerror or exc
            )
        ) from None
    except ValueError as exc:  # a NUL byte in the name
        raise UsageError(
            _("{file}: cannot read the body: {reason}").format(file=repr(body_file), reason=exc)
        ) from None


def new(
    ctx: typer.Context,
    title: Annotated[str | None, typer.Argument(help="Headline of the story.")] = None,
    teaser: Annotated[str | None, typer.Option(help="Lead paragraph shown on listings.")] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option(
            "--topic",
            "-t",
            metavar="TOPIC",
            help="A topic (repeatable).",
            autocompletion=completion.topics,
        ),
    ] = None,
    author: Annotated[
        str | None,
        typer.Option(
            "--author",
            metavar="AUTHOR",
            help="Author line (default: [defaults] author).",
            autocompletion=completion.authors,
        ),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(help="2021-11-23 14:00, '3 mars 2024', yesterday, ISO 8601… (default: now)."),
    ] = None,
    expires: Annotated[
        str | None,
        typer.Option(
            "--expires",
            metavar="DATE",
            help="Off every public output from then on (7d: in a week).",
        ),
    ] = None,
    review_by: Annotated[
        str | None,
        typer.Option("--review-by", metavar="DATE", help="When the story is due for a review."),
    ] = None,
    status: Annotated[Status | None, typer.Option(help="draft (default) or published.")] = None,
    publish: Annotated[bool, typer.Option("--publish", help="Same as --status published.")] = False,
    body_file: Annotated[
        str | None, typer.Option("--body-file", help="Markdown body from a file, or - for stdin.")
    ] = None,
    image: Annotated[
        str | None,
        typer.Option(
            help="Photo file (JPEG, PNG, WebP or AVIF), checked and copied to images/YYYY/MM/."
        ),
    ] = None,
    alt: Annotated[
        str | None,
        typer.Option(
            "--alt", help="What the photo shows, for readers who cannot see it (alt text)."
        ),
    ] = None,
    caption: Annotated[str, typer.Option(help="Photo caption.")] = "",
    credit: Annotated[str, typer.Option(help="Photographer credit (shown as 'Foto: …').")] = "",
    edit: Annotated[bool, typer.Option("--edit", help="Open the new file in $EDITOR.")] = False,
    no_input: Annotated[
        bool, typer.Option("--no-input", help="Never prompt; fail if the title is missing.")
    ] = False,
    keep_metadata: KeepMetadataOption = False,
    root: RootOption = None,
) -> None:
    """Create a story and print the path of its new file."""
    from dataclasses import replace

    from newscli import when as dates
    from newscli.catalog import Catalog
    from newscli.newsroom import new_draft, one_line
    from newscli.photos import forget, image_for, place_for_new

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    site = newsroom.site
    if publish and status is Status.draft:
        raise UsageError(_("--publish and --status draft contradict each other"))
    chosen_status = "published" if publish else (status.value if status else "draft")
    interactive = not no_input and bool(env.stdin_isatty) and body_file != "-"
    with Catalog(newsroom) as catalog:
        # The newsroom's topics: offered on a terminal, and the spelling of one typed otherwise.
        known = catalog.topics()[0] if interactive or topic else None
        if interactive:
            assert known is not None
            title, teaser, topic, edit = _ask_new(
                env, title, teaser, topic, known, edit=edit, has_body=body_file is not None
            )
        if topic:
            assert known is not None
            topic = spelled_topics(env, catalog, known, topic)
        if not title or not title.strip():
            raise UsageError(
                _(
                    'a title is required: newscli new "Headline" '
                    "(prompts only on a terminal without --no-input)"
                )
            )
        if image is None and (alt is not None or caption or credit):
            raise UsageError(_("--alt, --caption and --credit describe an --image; give one"))
        web = image is not None and image.startswith(("https://", "http://"))
        # The photo is checked before anything is written, and its alt text asked for.
        photo = None if image is None or web else read_photo_argument(env, newsroom, image)
        if image is not None:
            alt = ask_alt(env, alt, not interactive)
        now = env.now(site.tz)
        when = dates.moment(date, site, now) if date else None
        # Moments ahead: a bare 7d is a week from now.
        ends = dates.moment(expires, site, now, ahead=True) if expires else None
        review = dates.moment(review_by, site, now, ahead=True) if review_by else None
        draft = new_draft(
            site,
            title,
            now=env.now(site.tz),
            teaser=teaser,
            topics=topic or (),
            author=author,
            date=when,
            status=chosen_status,
            body=_read_body(env, body_file),
            image=image if web else None,
            caption=caption if web else "",
            credit=credit if web else "",
            known=known,
        )
        draft = replace(draft, expires=ends, review_by=review)
        placed = None
        if photo is not None:
            placed = place_for_new(
                newsroom, photo, draft.date, draft.slug, keep_metadata=keep_metadata
            )
            draft = replace(
                draft, image=image_for(None, placed.src, caption=caption, credit=credit)
            )
        if draft.image is not None and alt is not None:
            draft = replace(draft, image=replace(draft.image, alt=one_line(alt)))
        try:
            if draft.published:
                refuse_new(draft)
            article = catalog.create(draft)
        except BaseException:
            if placed is not None:
                forget(placed)
            raise
    print(article.path, file=env.stdout, flush=True)
    if placed is not None:
        say(env, photo_note(placed))
        warn_about(env, newsroom, article, article.image)
    if edit:
        try:
            _edit(env, newsroom, newsroom.file_of(article), announce=False)
        except KeyboardInterrupt:  # Ctrl+C in the editor: as if new had never run
            newsroom.file_of(article).unlink(missing_ok=True)
            if placed is not None:
                forget(placed)
            raise
    if interactive or env.stderr_isatty:
        _next_steps(env, article.slug, draft=not article.published)


def _ask_new(
    env: Environment,
    title: str | None,
    teaser: str | None,
    topics: list[str] | None,
    known: Topics,
    *,
    edit: bool,
    has_body: bool,
) -> tuple[str, str | None, list[str], bool]:
    """What `new` asks on a terminal: the title (again at once while it is empty), the
    teaser, the topics (the newsroom's numbered, or names) and whether to write the body in
    the editor now. Returns them with the options already given."""
    from newscli.cli.asking import ask, choose_topics, confirm, required
    from newscli.editing import editor_command

    if not title or not title.strip():
        title = ask(env, _("Title"), check=required(_("a story needs a title")))
    if teaser is None:
        teaser = ask(env, _("Teaser (lead paragraph; empty: the body's first)"))
    if not topics:
        topics = choose_topics(env, known)
    if not edit and not has_body:
        try:
            editor_command(env.variables)
        except UsageError:
            pass  # no editor to offer: the story is saved without a body
        else:
            edit = confirm(env, _("Write the body in your editor now?"), default=True)
    return title, teaser, topics, edit


def _next_steps(env: Environment, slug: str, *, draft: bool) -> None:
    """The commands a writer needs next, on stderr (stdout holds only the new path); a
    draft is published before the site shows it."""
    say(env, _("Next:"))
    steps = [(f"newscli show {slug}", _("read it")), (f"newscli edit {slug}", _("change it"))]
    if draft:
        steps.append((f"newscli publish {slug}", _("publish it (it is a draft)")))
    steps.append(("newscli export html", _("publish the site")))
    for command, what in steps:
        say(env, f"  {command:<{len(slug) + 17}}  {what}")


# -- list, show -------------------------------------------------------------------


SCREENFUL = 50


class ListSort(enum.StrEnum):
    date = "date"
    lix = "lix"


@dataclass(frozen=True)
class _Listed:
    """What list shows: the stories (the page of them a person sees), how many match, the
    broken files met, and each story's LIX when it was asked for."""

    stories: Sequence[Summary]
    total: int
    broken: Sequence[ArticleError]
    lix: dict[str, Readability] | None = None
    paths: Sequence[str] | None = None  # --format paths from the index: no summary is made


@selecting(bulk=False)
def list_articles(
    ctx: typer.Context,
    *,
    selection: Selection,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many stories.")] = None,
    format: ListFormatOption = Format.table,
    sort: Annotated[
        ListSort,
        typer.Option(
            help="date: newest first; lix: hardest to read first (reads every matching story)."
        ),
    ] = ListSort.date,
    lix: Annotated[
        bool,
        typer.Option(
            "--lix",
            help="Each story's LIX: a column in the table, lix and lix_band in json and csv "
            "(reads every listed story's body).",
        ),
    ] = False,
    no_index: Annotated[
        bool, typer.Option("--no-index", help="Read every file instead of the index in .newscli/.")
    ] = False,
    null: Annotated[
        bool,
        typer.Option(
            "--null", "-0", help="With --format paths: end each path with NUL, as find -print0."
        ),
    ] = False,
    excel: ExcelOption = False,
    root: RootOption = None,
) -> None:
    """List stories, newest first, each with its state (draft, scheduled, published,
    expiring, expired, withdrawn)."""
    from newscli.catalog import Catalog

    env = environment(ctx)
    if for_excel(excel, format.value):
        format = Format.csv
    if null and format is not Format.paths:
        raise UsageError(_("--null goes with --format paths"))
    newsroom = open_newsroom(env, root)
    now = env.now(newsroom.site.tz)
    for_people = format in (Format.table, Format.cards)
    # Tables and cards are for people: one screenful unless --limit asks for more; the
    # table into a pipe (grep, cut, less) is every story, one line each, as data is.
    piped = format is Format.table and not env.stdout_isatty
    shown = limit or SCREENFUL if for_people and not piped else limit
    with Catalog(newsroom, use_index=not no_index) as catalog:
        filters = choose_topics(env, catalog, selection.filters(newsroom, now))
        if lix or sort is ListSort.lix:
            listed = _with_lix(catalog, filters, limit, shown, sort)
        elif format is Format.paths:
            found_paths = catalog.paths(filters, limit)
            listed = _Listed([], found_paths.total, found_paths.broken, paths=found_paths.items)
        else:
            found = catalog.summaries(filters, shown)
            listed = _Listed(found.items, found.total, found.broken)
        topics = catalog.topics()[0] if for_people else None
    report_broken(env, listed.broken)
    _show_listed(env, newsroom, listed, topics, format, piped, null, now, excel, filters.active)


def _with_lix(
    catalog: Catalog, filters: Filters, limit: int | None, shown: int | None, sort: ListSort
) -> _Listed:
    """list when LIX is wanted (--lix, --sort lix): each story's body is read for it, so
    it is asked for; a plain list answers from the index and reads no file. Sorted by LIX,
    every matching story is read first and the limit taken after."""
    from newscli.plain import story_readability

    found = catalog.articles(filters, None if sort is ListSort.lix else limit)
    lix = {str(article.path): story_readability(article) for article in found.items}
    stories = list(found.items)
    if sort is ListSort.lix:
        stories.sort(key=lambda article: -lix[str(article.path)].lix)
    return _Listed(stories[:shown] if shown else stories, len(stories), found.broken, lix)


def _for_scripts(env: Environment) -> IO[str] | _Safe:
    """Data for scripts goes out as it is, except onto a terminal, which would obey what a
    file name or a value may hold."""
    return _Safe(env.stdout) if env.stdout_isatty else env.stdout


def _show_listed(
    env: Environment,
    newsroom: Newsroom,
    listed: _Listed,
    topics: Topics | None,
    format: Format,
    piped: bool,
    null: bool,
    now: dt.datetime,
    excel: bool,
    filtered: bool,
) -> None:
    """list's one output dispatch: data for scripts, the table into a pipe, or the table
    or cards for people, with the count of stories left unshown."""
    if format is Format.paths:
        from newscli.render.machine import write_paths

        paths = listed.paths or [str(story.path) for story in listed.stories]
        write_paths(paths, _for_scripts(env), end="\0" if null else "\n")
        return
    if format in (Format.json, Format.csv):
        from newscli.render.machine import write_summaries

        write_summaries(
            listed.stories, format.value, _for_scripts(env), now, listed.lix, excel=excel
        )
        return
    assert topics is not None
    if not listed.stories:
        say(env, _("No stories match.") if filtered else _("No stories yet."))
        return
    from newscli.render import terminal

    if piped:
        terminal.write_tab_separated(
            listed.stories, topics, newsroom.site, env.stdout, now, listed.lix
        )
        return
    out = terminal.console(env)
    if format is Format.cards:
        terminal.print_cards(listed.stories, topics, newsroom.site, out)
    else:
        terminal.print_table(listed.stories, topics, newsroom.site, out, now, listed.lix)
    hidden = listed.total - len(listed.stories)
    if hidden > 0:
        terminal.print_more(hidden, listed.total, out)


def show(
    ctx: typer.Context,
    ref: RefArgument,
    teaser: Annotated[bool, typer.Option("--teaser", help="Show the teaser card only.")] = False,
    raw: Annotated[bool, typer.Option("--raw", help="Print the file as it is.")] = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help=N_("Print a long story straight to the terminal, without $PAGER (less)."),
        ),
    ] = False,
    root: RootOption = None,
) -> None:
    """Preview one story: in full, its teaser card, or the raw file."""
    from newscli.catalog import Catalog

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    with Catalog(newsroom) as catalog:
        found = catalog.resolve(ref)
    report_broken(env, found.broken)
    article = found.one
    if raw:
        text = newsroom.file_of(article).read_text(encoding="utf-8")
        # Byte for byte into a pipe; onto a terminal, shown and never obeyed.
        env.stdout.write(terminal_safe(text, lines=True) if env.stdout_isatty else text)
        env.stdout.flush()
        return
    from newscli.render import terminal
    from newscli.render.pager import page, pager_command
    from newscli.topics import Topics

    out = terminal.console(env, width=terminal.READING_WIDTH)
    # One story's own spellings: naming them the newsroom's way would read every article.
    topics = Topics.of([article])
    site = newsroom.site
    if teaser:
        text = terminal.rendered(
            out, lambda o: o.print(terminal.teaser_card(article, topics, site))
        )
    else:
        text = terminal.rendered(out, lambda o: terminal.print_story(article, topics, site, o))
    # Like git: a story longer than the screen goes through the pager, on a terminal only.
    command = None if no_pager or not env.stdout_isatty else pager_command(env.variables)
    if command is not None and text.count("\n") >= out.height and page(text, command, env):
        return
    env.stdout.write(text)
    env.stdout.flush()


# -- edit, check --------------------------------------------------------------------


def _edit(env: Environment, newsroom: Newsroom, path: Path, *, announce: bool = True) -> None:
    """Run an edit session and say how it ended (announce: print the saved file's path;
    `new` has printed it already)."""
    from newscli.cli.asking import confirm
    from newscli.editing import edit_file

    def again(problem: ArticleError) -> bool:
        warn(env, str(problem))
        return bool(env.stdin_isatty) and confirm(env, _("Open the editor again?"), default=True)

    saved = edit_file(
        newsroom,
        path,
        variables=env.variables,
        now=lambda: env.now(newsroom.site.tz),
        again=again,
        wait=lambda: warn(env, _("waiting for another newscli run on this newsroom to finish…")),
    )
    if saved is None:
        say(env, _("No changes."))
    elif announce:
        print(saved, file=env.stdout, flush=True)


def edit(
    ctx: typer.Context,
    ref: RefArgument,
    root: RootOption = None,
) -> None:
    """Open a story in $EDITOR and save it back only if it is still valid."""
    from newscli.catalog import Catalog

    env = environment(ctx)
    newsroom = open_newsroom(env, root)
    try:
        with Catalog(newsroom) as catalog:
            found = catalog.resolve(ref)
        report_broken(env, found.broken)
        path = newsroom.file_of(found.one)
    except ArticleError as exc:
        if exc.path is None:
            raise
        path = newsroom.root / str(exc.path)
        newsroom.refuse_links_out(path)  # a broken file may be opened, a link out never
    _edit(env, newsroom, path)


def check(
    ctx: typer.Context,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too, not only on errors.")
    ] = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="First clean out invisible characters pasted into front matter (from Word: "
            "vertical tabs, page breaks, zero-width spaces), saying what changed in each file.",
        ),
    ] = False,
    dry_run: DryRunOption = False,
    root: RootOption = None,
) -> None:
    """Validate every story: its file, its photo, accessibility, plain language and
    personal identity numbers (newscli help checks). One line per problem as
    path:line: message; exit 1 on any error (with --strict, on any warning too)."""
    from newscli.catalog import Catalog
    from newscli.checks import check_stories, load_settings
    from newscli.lifecycle import check_life
    from newscli.statement import statement_findings

    env = environment(ctx)
    if dry_run and not fix:
        raise UsageError(_("--dry-run goes with --fix: newscli check --fix --dry-run"))
    newsroom = open_newsroom(env, root)
    if fix:
        _fix(env, newsroom, dry_run)
    settings = load_settings(newsroom.root)
    findings = newsroom.check()
    with Catalog(newsroom, reread=True) as catalog:  # every file, as newsroom.check() does
        stories = catalog.summaries().items
    findings += check_stories(newsroom, stories, settings)
    findings += check_life(newsroom, stories, env.now(newsroom.site.tz))
    findings += statement_findings(newsroom, env.now(newsroom.site.tz).date())
    for finding in findings:
        show_line(env, str(finding))
    total = len(newsroom.article_files())
    errors = [f for f in findings if strict or not f.warning]
    warnings = len(findings) - len([f for f in findings if not f.warning])
    noted = ""
    if warnings:
        noted = " ({})".format(
            ngettext(
                "{n} warning, failing with --strict",
                "{n} warnings, failing with --strict",
                warnings,
            )
            if strict
            else ngettext("{n} warning", "{n} warnings", warnings)
        ).format(n=number(warnings))
    if errors:
        files = len({f.path for f in errors})
        problems = len(errors) - (warnings if strict else 0)
        # Translators: {problems} is "3 problems", {files} "2 of 5 article files".
        say(
            env,
            _("{problems} in {files}").format(
                problems=ngettext("{n} problem", "{n} problems", problems).format(
                    n=number(problems)
                ),
                files=ngettext(
                    "{n} of {total} story file", "{n} of {total} story files", total
                ).format(n=number(files), total=number(total)),
            )
            + noted,
        )
        raise typer.Exit(ExitStatus.FAILURE)
    say(
        env,
        ngettext("{n} story file is valid", "All {n} story files are valid", total).format(
            n=number(total)
        )
        + noted
        + ".",
    )


def _fix(env: Environment, newsroom: Newsroom, dry_run: bool) -> None:
    """check --fix: each file cleaned of invisible characters, one line per file."""
    from newscli.repair import repair_invisible

    count = 0
    for repair in repair_invisible(newsroom, dry_run=dry_run):
        done = "; ".join(change.describe() for change in repair.changes)
        if repair.problem is not None:
            warn(env, f"{repair.path}: {repair.problem}")
            continue
        count += 1
        show_line(env, f"{repair.path}: {done}")
    if dry_run:
        say(
            env,
            ngettext(
                "{n} file would be cleaned of invisible characters",
                "{n} files would be cleaned of invisible characters",
                count,
            ).format(n=number(count))
            + " "
            + _("(dry run: nothing was written)"),
        )
    elif count == 0:
        say(env, _("No invisible characters to clean out."))
    else:
        say(
            env,
            ngettext(
                "{n} file cleaned of invisible characters",
                "{n} files cleaned of invisible characters",
                count,
            ).format(n=number(count)),
        )
