"""Shell completion (bash, zsh, fish): slugs for REFs, the newsroom's topics and authors.

Answers come from the index in .newscli/ as it is, opened read-only: a completion writes
no file, refreshes nothing and prints no warning, and whatever goes wrong it offers nothing
rather than an error. Slugs of story files added since the index was last brought up to
date are found from the names of their month folders' files (no file is read); without an
index every file name counts. Topics and authors need the index: without one (before the
first `newscli list`) they are not completed.

What a shell inserts is shell text it will run, so every candidate reaches the shell quoted
for it (see "what a shell inserts" below): newscli's own bash and zsh scripts replace
Typer's, through install().
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from newscli.cli.typer_inside import (
    BashComplete,
    CompletionItem,
    FishComplete,
    ShellComplete,
    ZshComplete,
    use_completion,
)

if TYPE_CHECKING:
    from newscli.index import Index

# At most this many candidates are offered (a shell shows the rest as noise).
MOST = 100


def _root(ctx: typer.Context) -> Path | None:
    """The newsroom a command being completed is about (its --root when typed before)."""
    from newscli.cli.common import environment
    from newscli.config import CONFIG_NAME, find_root

    env = environment(ctx)
    given = ctx.params.get("root")
    typed = Path(given) if isinstance(given, str | Path) and str(given) else None
    root = find_root(typed, env.cwd, env.variable("NEWSCLI_ROOT"))
    return root if (root / CONFIG_NAME).is_file() else None


@contextlib.contextmanager
def _index(ctx: typer.Context) -> Iterator[Index | None]:
    """The newsroom's index, read-only (None without one); nothing raised, nothing written."""
    from newscli.index import Index
    from newscli.newsroom import Newsroom

    index = None
    try:
        root = _root(ctx)
        if root is not None:
            index = Index(Newsroom(root))
            index.open_read_only()
    except Exception:  # no index, another version's, a broken newscli.toml: no answers
        index = None
    try:
        yield index
    finally:
        if index is not None:
            index.close()


# Where offered_as_spelled leaves the text being completed for the candidates' functions.
_TYPED = "newscli.typed"


def offered_as_spelled(param: Any, ctx: Any, incomplete: str) -> list[Any] | None:
    """param's candidates for what is typed, every one its completion function offers (None:
    param has no such function). Typer keeps only candidates that begin with the typed text
    itself; the functions here choose by case- and accent-blind beginnings, so they are
    asked with nothing typed (which Typer lets through) and find the text in the context."""
    from newscli.cli.typer_inside import own_completion

    own = own_completion(param)
    if own is None:
        return None
    ctx.meta[_TYPED] = incomplete
    try:
        return list(own(ctx, param, ""))
    finally:
        del ctx.meta[_TYPED]


def _typed(ctx: typer.Context, incomplete: str) -> str:
    """What is typed of the word being completed (see offered_as_spelled)."""
    typed = ctx.meta.get(_TYPED, incomplete)
    return typed if isinstance(typed, str) else incomplete


def _as_typed(typed: str, value: str) -> str | None:
    """value as a candidate for what is typed, or None when it does not begin so. Typer
    offers only candidates that begin with the typed text itself, so one that begins with
    it in another case or without accents ('famil', 'Familjefrågor') is offered as typed,
    with the rest of value after it ('familjefrågor'): the same topic, author or story."""
    from newscli.slugs import fold

    if value.startswith(typed):
        return value
    wanted = fold(typed)
    for end in range(1, len(value) + 1):
        begun = fold(value[:end])
        if begun == wanted:
            return typed + value[end:]
        if not wanted.startswith(begun):
            return None
    return None


def _help(text: str) -> str:
    """A description beside a candidate (zsh, fish): one line, no Rich markup obeyed."""
    return " ".join(text.split()).replace("[", "\\[")[:70]


def refs(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Slugs beginning with what is typed (in any case, with or without accents), newest
    first, each with its story's title."""
    from newscli.catalog import ref_slug

    incomplete = _typed(ctx, incomplete)
    if "/" in incomplete or incomplete.startswith("."):
        return []  # a path: the shell's own file completion is better at it
    prefix = ref_slug(incomplete)
    found: dict[str, str] = {}
    try:
        with _index(ctx) as index:
            root = _root(ctx)
            if root is None:
                return []
            if index is not None:
                found = dict(index.slugs_beginning(prefix, MOST))
            # Every file's name too, not only those of months changed after the index: a
            # run that brought the index up to date (and so touched it) after a broken or
            # new file came would hide that file's name (a scan of names costs ~1 ms a
            # thousand stories).
            for name in _file_names(root / "articles", None):
                if name.startswith(prefix) and len(found) < MOST:
                    found.setdefault(name, "")
    except Exception:  # a completion never fails loudly
        return []
    offered = [(_as_typed(incomplete, slug), title) for slug, title in found.items()]
    return [(slug, _help(title)) for slug, title in offered if slug is not None]


def _file_names(articles: Path, since: int | None) -> Iterator[str]:
    """The slugs the file names under articles/YYYY/MM/ give, of the month folders changed
    after since (a time in ns; None: all), newest month first."""
    try:
        years = sorted((e for e in os.scandir(articles) if e.is_dir()), key=lambda e: e.name)
    except OSError:
        return
    for year in reversed(years):
        with contextlib.suppress(OSError):
            months = sorted((e for e in os.scandir(year.path) if e.is_dir()), key=lambda e: e.name)
            for month in reversed(months):
                if since is not None and month.stat().st_mtime_ns <= since:
                    continue
                for entry in os.scandir(month.path):
                    if entry.name.endswith(".md"):
                        yield entry.name.removesuffix(".md")


def topics(ctx: typer.Context, incomplete: str) -> list[str]:
    """The newsroom's topics that begin with what is typed (case and accents ignored), most
    used first."""
    incomplete = _typed(ctx, incomplete)
    try:
        with _index(ctx) as index:
            if index is None:
                return []
            names = [topic.name for topic in index.topics().sorted()]
    except Exception:
        return []
    return _offered(ctx, incomplete, names)


def authors(ctx: typer.Context, incomplete: str) -> list[str]:
    """The newsroom's authors that begin with what is typed, most stories first."""
    incomplete = _typed(ctx, incomplete)
    try:
        with _index(ctx) as index:
            if index is None:
                return []
            names = index.authors()
    except Exception:
        return []
    return _offered(ctx, incomplete, names)


def _offered(ctx: typer.Context, incomplete: str, names: list[str]) -> list[str]:
    """The newsroom's spellings of the names that begin with what is typed, case and
    accents ignored ('anh': Anhörigstöd): bash and fish put the candidate in the typed
    word's place. zsh keeps only candidates that begin with the typed text itself, so
    there a name is offered as typed (the same topic: `tag add` and `new` write it in
    the newsroom's spelling all the same)."""
    from newscli.cli.common import environment

    zsh = environment(ctx).variable("_NEWSCLI_COMPLETE").endswith("zsh")
    offered = []
    for name in names:
        typed = _as_typed(incomplete, name)
        if typed is not None:
            offered.append(typed if zsh else name)
    return offered[:MOST]


def words(offered: list[str]) -> Callable[[typer.Context, str], list[str]]:
    """A completion of fixed words (the formats a --format takes): those beginning so."""

    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        typed = _typed(ctx, incomplete)
        return [word for word in offered if word.startswith(typed)]

    return complete


# -- what a shell inserts ------------------------------------------------------------------
#
# A candidate is inserted into a command line that the shell will run, so it must be shell
# text that reads back as exactly the candidate. zsh (compadd) and fish quote what they
# insert themselves; bash inserts a candidate as it is given, so newscli quotes for it, in
# the quoting the typed word is in (none, '…' or "…"), as `printf %q` would outside quotes.

# bash: the line up to the cursor (COMP_LINE, so that `=`, `:` and quotes stay in their
# words) and the part of the word that readline replaces ($2: after an opening quote or
# a `:`); mapfile, unlike $(…) unquoted, neither splits on spaces nor expands `*`.
BASH_SCRIPT = """
%(complete_func)s() {
    local -a reply
    mapfile -t reply < <(env COMP_LINE="${COMP_LINE:0:COMP_POINT}" \\
        _NEWSCLI_COMPLETE_WORD="$2" %(autocomplete_var)s=complete_bash "$1" 2>/dev/null)
    COMPREPLY=("${reply[@]}")
    return 0
}

complete -o default -F %(complete_func)s %(prog_name)s
"""

# Outside quotes these stand for themselves (printf %q leaves them as they are).
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./,:@%+=-")


@dataclass(frozen=True)
class Typed:
    """A command line up to the cursor as the shell will read it: the words before the
    one being typed, that word without its quoting, and the quoting open at its end."""

    words: list[str]
    incomplete: str
    raw: str = ""  # the word being typed as it stands on the line
    quote: str = ""  # "'" or '"' when a quote is open
    escaping: bool = False  # the line ends in a backslash that escapes what comes next


def typed_words(line: str) -> Typed:
    """The words of line as bash (or zsh) will take them apart: quotes and backslashes
    removed, and an unfinished word or quote kept as it stands."""
    words: list[str] = []
    current: list[str] = []
    in_word = False
    quote = ""
    at = start = 0
    while at < len(line):
        char = line[at]
        after = line[at + 1 : at + 2]  # "" at the end
        if quote == "'":
            if char == "'":
                quote = ""
            else:
                current.append(char)
        elif quote == '"':
            if char == '"':
                quote = ""
            elif char == "\\" and not after:
                return Typed(words, "".join(current), line[start:], quote, escaping=True)
            elif char == "\\" and after and after in '$`"\\':
                current.append(after)
                at += 1
            else:
                current.append(char)
        elif char in " \t\n":
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
        else:
            if not in_word:
                start, in_word = at, True
            if char == "\\":
                if not after:
                    return Typed(words, "".join(current), line[start:], escaping=True)
                current.append(after)
                at += 1
            elif char in "'\"":
                quote = char
            else:
                current.append(char)
        at += 1
    if not in_word:
        return Typed(words, "")
    return Typed(words, "".join(current), line[start:], quote)


def for_bash(text: str, quote: str = "") -> str:
    """text as bash reads it back exactly inside the quoting open (none, '…' or "…"):
    outside quotes as printf %q writes it, characters that cannot be shown as $'\\xNN'."""
    parts = []
    for char in text:
        if not char.isprintable():
            code = f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
            if ord(char) > 0xFFFF:
                code = f"\\U{ord(char):08x}"
            parts.append(f"{quote}$'{code}'{quote}")
        elif quote == "'":
            parts.append("'\\''" if char == "'" else char)
        elif quote == '"':
            if char == "!":  # history expansion happens inside double quotes
                parts.append("\"'!'\"")
            else:
                parts.append("\\" + char if char in '$`"\\' else char)
        else:
            parts.append(char if char in _PLAIN or ord(char) > 0x7F else "\\" + char)
    return "".join(parts)


class BashCompletion(BashComplete):
    """Typer's bash completion, with candidates bash can insert safely (BASH_SCRIPT)."""

    source_template = BASH_SCRIPT
    typed: Typed | None = None

    def get_completion_args(self) -> tuple[list[str], str]:
        line = _variables(self).get("COMP_LINE")
        if line is None:  # a script installed by an older newscli: Typer's way
            return super().get_completion_args()
        self.typed = typed_words(line)
        return self.typed.words[1:], self.typed.incomplete

    def format_completion(self, item: CompletionItem) -> str:
        value = str(item.value)
        typed = self.typed
        word = _variables(self).get("_NEWSCLI_COMPLETE_WORD")  # what readline replaces
        if typed is None or word is None:
            return for_bash(value)
        quote = typed.quote
        if not quote and word == typed.raw:
            return for_bash(value)  # the whole word, `~` and all, written afresh
        if quote and typed.raw.startswith(quote):
            # Readline replaces the opening quote too when a candidate begins with it, and
            # adds no closing one after a candidate that ends with one.
            return quote + for_bash(value, quote) + quote
        if not value.startswith(typed.incomplete):
            return for_bash(value)
        rest = value[len(typed.incomplete) :]  # after a `:`, or after `ab'`: keep the start
        if typed.escaping:  # a backslash typed last: replaced, rest is quoted whole
            word = word[:-1]
        shown = word + for_bash(rest, quote) + quote
        return quote + shown if quote and shown.startswith(quote) else shown


# zsh: compadd quotes each candidate for where it goes (after `~`, inside '…' or "…"),
# which Typer's `eval` of an _arguments spec did not: quotes were lost and `~root` became a
# folder. One candidate a line, its description after a tab.
ZSH_SCRIPT = """
#compdef %(prog_name)s

%(complete_func)s() {
  local -a found values shown
  local line about
  found=("${(@f)$(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" \\
    %(autocomplete_var)s=complete_zsh %(prog_name)s 2>/dev/null)}")
  for line in "${found[@]}"; do
    [[ -n $line ]] || continue
    values+=("${line%%%%$'\\t'*}")
    about="${line#*$'\\t'}"
    shown+=("${values[-1]}${about:+  -- $about}")
  done
  if (( ${#values} )); then
    compadd -V %(prog_name)s -d shown -a values
  else
    _files
  fi
}

compdef %(complete_func)s %(prog_name)s
"""


class ZshCompletion(ZshComplete):
    """Typer's zsh completion, with candidates that compadd quotes (ZSH_SCRIPT)."""

    source_template = ZSH_SCRIPT

    def get_completion_args(self) -> tuple[list[str], str]:
        typed = typed_words(_variables(self).get("_TYPER_COMPLETE_ARGS", ""))
        return typed.words[1:], typed.incomplete

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        return [item for item in super().get_completions(args, incomplete) if _one_line(item)]

    def format_completion(self, item: CompletionItem) -> str:
        return f"{item.value}\t{_help(item.help or '')}"

    def complete(self) -> str:
        args, incomplete = self.get_completion_args()
        return "\n".join(map(self.format_completion, self.get_completions(args, incomplete)))


class FishCompletion(FishComplete):
    """Typer's fish completion (fish quotes what it inserts), without the candidates a
    line cannot hold."""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        return [item for item in super().get_completions(args, incomplete) if _one_line(item)]


def _variables(completion: ShellComplete) -> Mapping[str, str]:
    """The run's environment variables, as the Environment gives them (tests pass theirs
    as the run's obj)."""
    from newscli.environment import Environment

    given = completion.ctx_args.get("obj")
    return Environment.from_process(**(given if isinstance(given, dict) else {})).variables


def _one_line(item: CompletionItem) -> bool:
    """zsh and fish read one candidate a line: a value with a line break or a tab (a file
    name can hold one) would be read as two."""
    return str(item.value).isprintable()


def install() -> None:
    """newscli's completion instead of Typer's, for completing and for the scripts
    --show-completion and --install-completion write (once, at import)."""
    use_completion(
        {"bash": BashCompletion, "zsh": ZshCompletion, "fish": FishCompletion},
        {"bash": BASH_SCRIPT, "zsh": ZSH_SCRIPT},
    )
