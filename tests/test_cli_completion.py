"""Shell completion in real shells: the completion script newscli gives, sourced into an
interactive bash, zsh or fish on a pty; a word is typed, Tab pressed, Enter pressed, and what
the command then received is compared with the candidate. Topics, authors and file names are
the newsroom's own, so they may hold anything: nothing in them may run, and an accepted
candidate is exactly one argument, exactly the candidate."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newscli.cli.completion import for_bash, typed_words
from tests.conftest import REPO, Invoke
from tests.support.newsrooms import story, write_article
from tests.support.terminal import Terminal, terminal

BIN = Path(sys.executable).parent
NEWSCLI = shutil.which("newscli", path=str(BIN))

# Each payload, run by a shell, makes a file whose name begins "pwned" in the working folder.
TOPICS = [
    "Ekonomi;touch${IFS}pwned1",
    "Budget$(touch pwned2)",
    "Kultur`touch pwned3`",
    "Skola && touch pwned4",
    "Vård | touch pwned5",
    "Omsorg > pwned6",
    "Citat \"dubbla\" och 'enkla'",
    "~root",
    "Alla*",
    "Familj och barn",
    "Nytt!!",
    "Tabb\\t och \\",
]
AUTHOR = "Anna $(touch pwned7) Berg"
FILE_SLUG = "ny$(touch pwned8);x"

# What is typed before Tab, and the argument the command must then receive.
CASES = [
    ("list --topic Ekon", TOPICS[0]),
    ("list --topic Budg", TOPICS[1]),
    ("list --topic Kult", TOPICS[2]),
    ("list --topic Skol", TOPICS[3]),
    ("list --topic Vård", TOPICS[4]),
    ("list --topic Omso", TOPICS[5]),
    ("list --topic Cita", TOPICS[6]),
    ("list --topic \\~r", TOPICS[7]),
    ("list --topic Alla", TOPICS[8]),
    ("list --topic Familj\\ o", TOPICS[9]),
    ("list --topic Nyt", TOPICS[10]),
    ("list --topic Tab", TOPICS[11]),
    ("list --topic 'Ekon", TOPICS[0]),
    ('list --topic "Budg', TOPICS[1]),
    ('list --topic "Nyt', TOPICS[10]),
    ("list --topic 'Cita", TOPICS[6]),
    ("list --author Ann", AUTHOR),
    ("show ny", FILE_SLUG),
]
# A `~` typed unquoted is the person's own tilde in zsh and fish, kept as typed; bash's
# candidate replaces the whole word, so there it is quoted too (and spelled as the newsroom
# spells it).
BASH_CASES = [
    ("list --topic ~r", TOPICS[7]),
    # The newsroom's spelling of what is typed in another case, in the typed word's place.
    ("list --topic ekon", TOPICS[0]),
    ("list --topic 'budg", TOPICS[1]),
    ('list --topic "cita', TOPICS[6]),
]

# How each shell is started, made to complete with newscli's script, and given a `newscli`
# function that writes its arguments (NUL after each) to $ARGS: Enter runs the function,
# while the completion script still calls the real program (through env).
SHELLS = {
    "bash": (
        ["bash", "--norc", "--noprofile", "-i"],
        [
            "source {script}",
            'newscli() { printf \'%s\\0\' "$@" > "$ARGS"; }',
        ],
    ),
    "zsh": (
        ["zsh", "-f", "-i"],
        [
            "autoload -Uz compinit && compinit -u -D",
            "source {script}",
            'newscli() { print -rNn -- "$@" > "$ARGS"; print -n "\\0" >> "$ARGS" }',
        ],
    ),
    "fish": (
        ["fish", "--no-config", "-i"],
        [
            "source {script}",
            "function newscli; printf '%s\\0' $argv > $ARGS; end",
        ],
    ),
}

# A safety net against a hang, never a measurement.
PATIENCE = 30.0


def hostile_newsroom(root: Path) -> Path:
    root.mkdir()
    shutil.copy(REPO / "newscli.toml", root / "newscli.toml")
    for number, topic in enumerate(TOPICS):
        write_article(root, story(f"berattelse-{number}", topics=(topic,)))
    write_article(root, story("av-anna", author=AUTHOR))
    return root


def pause(shell: Terminal, seconds: float) -> None:
    """Let the shell show what it does for a while."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        shell._read(0.05)


def ready_shell(shell: Terminal, args: Path) -> bool:
    """Wait until the shell has read its setup (on a busy machine that takes a while): a
    line run through the recording function has come back."""
    args.unlink(missing_ok=True)
    shell.type("newscli ready\r")
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline and not args.exists():
        pause(shell, 0.1)
    pause(shell, 0.2)
    return args.exists()


def accepted(shell: Terminal, typed: str, args: Path) -> list[str] | None:
    """The arguments newscli got after typed, Tab and Enter (None: the line never ran)."""
    args.unlink(missing_ok=True)
    shell.type(f"newscli {typed}\t\r")
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        pause(shell, 0.02)
        if args.exists() and args.read_bytes().endswith(b"\0"):
            return args.read_bytes().decode("utf-8").split("\0")[:-1]
    shell.type("\x03")  # an open quote waits for more: give the line up
    pause(shell, 0.5)
    return None


@pytest.mark.skipif(NEWSCLI is None, reason="the newscli program is not installed")
@pytest.mark.parametrize("name", list(SHELLS))
def test_a_completed_candidate_is_exactly_one_argument_and_runs_nothing(
    name: str, tmp_path: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv, setup = SHELLS[name]
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} is not installed")
    root = hostile_newsroom(tmp_path / "hostile")
    monkeypatch.chdir(root)
    invoke("list")  # the index: topics and authors are completed from it
    (root / "articles" / "2026" / "11").mkdir(parents=True)  # after the index: by its name
    (root / "articles" / "2026" / "11" / f"{FILE_SLUG}.md").write_text("+++\n+++\n")
    here = tmp_path / "here"
    here.mkdir()
    (here / "Alla-filer.txt").write_text("")  # what Alla* would expand to
    script = tmp_path / f"newscli.{name}"
    shown = subprocess.run(
        [str(NEWSCLI), "--show-completion", name],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
    )
    script.write_text(shown.stdout)
    args = tmp_path / "args"
    env = {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "TERM": "dumb",
        "LANG": "C.UTF-8",
        "NEWSCLI_ROOT": str(root),
        "ARGS": str(args),
        "PS1": "$ ",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
    }
    cases = CASES + (BASH_CASES if name == "bash" else [])
    with terminal(here, env=env, program=argv) as shell:
        pause(shell, 1.0)
        for line in setup:
            shell.type(line.replace("{script}", str(script)) + "\r")
        ready = ready_shell(shell, args)
        got = {typed: accepted(shell, typed, args) for typed, _ in cases}
    expected = {typed: [*typed_words(typed).words, value] for typed, value in cases}
    wrong = {typed: got[typed] for typed in got if got[typed] != expected[typed]}
    assert ready and not wrong, shell.screen[-3000:]
    assert not list(here.glob("pwned*")) and not list(root.glob("pwned*"))


@pytest.mark.parametrize(
    ("line", "words", "incomplete", "quote"),
    [
        ("newscli list --topic Ekon", ["newscli", "list", "--topic"], "Ekon", ""),
        ("newscli list --topic Familj\\ o", ["newscli", "list", "--topic"], "Familj o", ""),
        ("newscli list --topic 'Ek", ["newscli", "list", "--topic"], "Ek", "'"),
        ('newscli --root="/a b" list "E\\$', ["newscli", "--root=/a b", "list"], "E$", '"'),
        ("newscli list ", ["newscli", "list"], "", ""),
        ("newscli list ''", ["newscli", "list"], "", ""),
    ],
)
def test_a_typed_line_is_taken_apart_as_the_shell_will(
    line: str, words: list[str], incomplete: str, quote: str
) -> None:
    typed = typed_words(line)
    assert (typed.words, typed.incomplete, typed.quote) == (words, incomplete, quote)


@pytest.mark.parametrize("quote", ["", "'", '"'])
@pytest.mark.parametrize("value", [*TOPICS, AUTHOR, FILE_SLUG, "tab\there", "å\u202eä"])
def test_bash_reads_back_each_quoted_candidate_as_itself(value: str, quote: str) -> None:
    line = f"printf '%s\\0' {quote}{for_bash(value, quote)}{quote}"
    shown = subprocess.run(["bash", "-c", line], capture_output=True, check=True)
    assert shown.stdout.decode("utf-8").split("\0")[:-1] == [value]
