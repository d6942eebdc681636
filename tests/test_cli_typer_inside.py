"""What newscli takes from inside Typer (newscli/cli/typer_inside.py) is still there and does
what newscli relies on. A Typer upgrade fails here first, by name, instead of somewhere in
--help, a Swedish usage error or a completion."""

from __future__ import annotations

import typer
import typer.core
from typer.testing import CliRunner

from newscli.cli import clicktext, typer_inside


def test_the_installed_typer_is_one_whose_insides_were_checked() -> None:
    """Upgrading Typer? Check every name in typer_inside.py against it (this file's tests
    and tests/test_cli_help.py, tests/test_i18n.py), then add it to TESTED."""
    version = ".".join(typer.__version__.split(".")[:2])
    assert version in typer_inside.TESTED, (
        f"Typer {typer.__version__} is not one newscli/cli/typer_inside.py was checked against "
        f"({', '.join(typer_inside.TESTED)})"
    )


def test_typers_click_has_what_newscli_patches_and_subclasses() -> None:
    click = typer_inside.click
    assert typer_inside.Context is click.Context
    for used in ("Command", "Context", "HelpFormatter", "Parameter"):  # help.py's annotations
        assert hasattr(click, used), f"typer._click.{used} is gone"
    assert issubclass(typer.core.TyperOption, click.Parameter)
    assert issubclass(typer.core.TyperCommand, click.Command)
    assert issubclass(typer_inside.TyperChoice, click.types.ParamType)
    for owner, name in (
        (typer_inside.exceptions.ClickException, "show"),
        (typer_inside.exceptions.UsageError, "show"),
        (typer_inside.types._NumberRangeBase, "_describe_range"),
        (typer_inside.HelpFormatter, "write_usage"),
        (click.Context, "formatter_class"),
    ):
        assert hasattr(owner, name), f"{owner.__name__}.{name} is gone"
    assert callable(typer_inside.get_text_stderr) and callable(typer_inside.echo)


def test_typers_words_go_through_the_gettext_newscli_sets() -> None:
    """clicktext.install routes typer.core._ to newscli's catalog."""
    assert hasattr(typer.core, "_"), "Typer no longer words its help through typer.core._"
    from newscli import i18n

    assert typer.core._ is i18n._  # type: ignore[attr-defined]
    assert clicktext.translated("No such option: --x") == "No such option: --x"


def test_typer_still_makes_an_autocompletion_into_the_completion_newscli_finds() -> None:
    """own_completion finds it, and Typer still keeps only candidates that begin with the
    typed text (the reason newscli.cli.completion asks with nothing typed)."""
    app = typer.Typer()
    seen: list[str] = []

    def offer(incomplete: str) -> list[str]:
        seen.append(incomplete)
        return ["Anhörigstöd", "anhörigstöd"]

    @app.command()
    def tag(topic: str = typer.Option("", autocompletion=offer)) -> None:
        """A command with one completed option."""

    command = typer.main.get_command(app)
    option = next(p for p in command.params if p.name == "topic")
    own = typer_inside.own_completion(option)
    assert own is not None, "Typer no longer keeps the completion where own_completion looks"
    ctx = typer_inside.Context(command)
    assert [item.value for item in own(ctx, option, "anh")] == ["anhörigstöd"]
    assert [item.value for item in own(ctx, option, "")] == ["Anhörigstöd", "anhörigstöd"]
    assert seen == ["anh", ""]
    assert CliRunner().invoke(app, ["--topic", "x"]).exit_code == 0


def test_typers_completion_classes_and_scripts_are_where_newscli_replaces_them() -> None:
    """completion.install swaps Typer's bash, zsh and fish classes and scripts by name."""
    from typer import _completion_classes, _completion_shared

    from newscli.cli import completion

    completion.install()
    assert _completion_classes.BashComplete is completion.BashCompletion
    assert _completion_classes.FishComplete is completion.FishCompletion
    assert _completion_shared._completion_scripts["zsh"] == completion.ZSH_SCRIPT
    assert "completion_init" in dir(_completion_classes)
