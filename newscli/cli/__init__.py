"""The newscli command line: thin commands over the core, one module per group of commands."""

from __future__ import annotations

from typing import Annotated, Any, cast

import typer

from newscli import __version__, i18n
from newscli.cli import (
    clicktext,
    feeds,
    guide,
    importer,
    init,
    lifecycle,
    photo,
    site,
    stories,
    tag,
)
from newscli.cli.common import NewsGroup, RootOption, environment, use_root
from newscli.cli.completion import install as install_completion
from newscli.cli.typer_inside import Context, exceptions
from newscli.i18n import _

__all__ = ["app", "main"]

clicktext.install()
install_completion()


class Newscli(NewsGroup):
    """The app: the run's Environment and its language are settled before the command line is
    parsed, so that --help and usage errors already speak the user's language."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        i18n.use(environment(cast(typer.Context, ctx)).language)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Context, args: list[str]) -> Any:
        """A command by its name; a word people reach for that names another command's
        work (withdraw) is answered with that command."""
        try:
            return super().resolve_command(ctx, args)
        except exceptions.UsageError as error:
            command = OTHER_WORDS.get(args[0]) if args else None
            if command is not None:
                error.message = _("There is no command {name!r}. Did you mean `{command}`?").format(
                    name=args[0], command=command
                )
            raise


# Commands newscli does not have, and the one that does their work.
OTHER_WORDS = {"withdraw": 'newscli unpublish --reason "…" REF'}


# Plain help (rich_markup_mode=None): Typer's Rich help would import Rich's Markdown stack
# and triple the cost of `newscli --help`.
app = typer.Typer(
    cls=Newscli,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="A command-line newsroom: write, find, tag and publish news stories kept as Markdown files.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(ctx: typer.Context, value: bool) -> None:
    if value:
        print(f"newscli {__version__}", file=environment(ctx).stdout, flush=True)
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")
    ] = False,
    root: RootOption = None,
) -> None:
    """A command-line newsroom: write, find, tag and publish news stories kept as Markdown files."""
    env = environment(ctx)  # built once for the whole run, before any command
    if root is not None:
        use_root(ctx, env, root)


app.command()(init.init)
app.command()(stories.new)
app.command("list")(stories.list_articles)
app.command()(stories.show)
app.command()(stories.edit)
app.command()(stories.check)
app.add_typer(tag.app, name="tag")
app.add_typer(photo.app, name="photo")
app.add_typer(importer.app, name="import")
app.command()(tag.topics)

export_app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,
    help="Publish: feeds (rss, atom, json) and the static site (html).",
)
app.add_typer(export_app, name="export")
# Export commands are registered here, one line each, from newscli.cli.feeds and newscli.cli.site.
export_app.command("rss")(feeds.rss)
export_app.command("atom")(feeds.atom)
export_app.command("json")(feeds.json)
export_app.command("html")(site.export_html)
app.command()(site.serve)
app.command()(lifecycle.publish)
app.command()(lifecycle.unpublish)
app.command()(lifecycle.expire)
app.command("build")(site.build_all)
app.command()(site.deploy)
app.command()(lifecycle.log)
app.command("help")(guide.help_guide)


def main() -> None:
    """Entry point of the `newscli` script."""
    app(prog_name="newscli")
