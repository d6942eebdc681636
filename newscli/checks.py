"""The one rule set `newscli check` holds every story to, beyond its file being valid: the
photo rules, what the author controls of accessibility (WCAG 2.1 AA) that no page checker
can judge, plain language (klarspråk) and personal identity numbers.

Every rule is a `Rule` in RULES, by name. A rule looks at one story (a `StoryCase`) and
yields notices, each tied to a front-matter key or a file line; `check` prints them as
`path:line: message`. newscli.toml's [checks] turns a rule off with a reason, turns an
optional one on, and sets the LIX limit:

    [checks]
    lix_limit = 45
    on = ["photo-consent"]
    [checks.off]
    abbreviation = "Our readers are professionals; we keep sv. law's own abbreviations"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from newscli import frontmatter, personal, photos, plain
from newscli.article import Article, Summary, to_meta
from newscli.config import CONFIG_NAME, config_table
from newscli.errors import ArticleError, ConfigError, NewsError
from newscli.i18n import N_, _, ngettext, number
from newscli.markdown import TextBlock, text_blocks, tokens
from newscli.newsroom import Finding, Newsroom, decode, parse_article_parts

if TYPE_CHECKING:
    from markdown_it.token import Token

# Above this LIX a story is hard to read ("svår", 50–60); newscli.toml may set another.
LIX_LIMIT = 50.0


@dataclass(frozen=True)
class Notice:
    """One thing a rule found: where (a front-matter key, else a file line), what, and
    whether it is an error (the story must not be published as it is) or a warning."""

    message: str
    key: str = ""
    line: int | None = None
    error: bool = False


@dataclass(frozen=True)
class StoryCase:
    """What the rules look at: the story with its body, its file split (for the lines of
    its keys), the line its body starts on, its photo (None: none), and the settings."""

    story: Article
    parts: frontmatter.Split | None
    body_line: int
    photo: photos.PhotoCase | None
    settings: CheckSettings

    def key_line(self, key: str) -> int:
        return 1 if self.parts is None else frontmatter.key_line(self.parts, key)

    def texts(self) -> Iterator[tuple[int, TextBlock]]:
        """The story's visible text by block, each with the file line of its first line:
        the title, the teaser, then every block of the body."""
        yield self.key_line("title"), _one_line(self.story.title)
        if self.story.teaser:
            yield self.key_line("teaser"), _one_line(self.story.teaser)
        for block in text_blocks(self.story.body):
            yield self.body_line, block


def _one_line(text: str) -> TextBlock:
    return TextBlock(text, ((0, 0),))


@dataclass(frozen=True)
class Rule:
    """A rule by its name (the name [checks] uses), what it asks for, and how it looks:
    at the story (story) or at its photo (photo, one of the photo rules).

    asks is marked with N_() (RULES is made at import time); `description` is what to show."""

    name: str
    asks: str
    story: Callable[[StoryCase], Iterator[Notice]] | None = None
    photo: photos.PhotoRule | None = None
    optional: bool = False  # off unless newscli.toml turns it on
    switchable: bool = True  # False: a rule no newsroom may switch off (identity numbers)

    @property
    def description(self) -> str:
        """What the rule asks for, in the user's language."""
        return _(self.asks).format(limit=number(plain.LONG_SENTENCE))

    def notices(self, case: StoryCase) -> Iterator[Notice]:
        if self.story is not None:
            yield from self.story(case)
        elif self.photo is not None and case.photo is not None:
            for concern in self.photo(case.photo):
                yield Notice(concern.message, key=concern.key, error=not concern.warning)


# -- accessibility of the body (WCAG 2.1 AA): what the author controls ----------------------------


def _inline_lines(block: Token, body_line: int) -> Iterator[tuple[int, Token]]:
    """Each inline token of a block with its file line."""
    assert block.map is not None
    line = body_line + block.map[0]
    for token in block.children or ():
        yield line, token
        if token.type in ("softbreak", "hardbreak"):
            line += 1


def _inline(case: StoryCase) -> Iterator[tuple[int, Token, list[Token]]]:
    """Every inline token of the body, its file line and the inline tokens of its block."""
    for block in tokens(case.story.body):
        if block.type == "inline" and block.map is not None:
            children = block.children or []
            for line, token in _inline_lines(block, case.body_line):
                yield line, token, children


def body_image_alt(case: StoryCase) -> Iterator[Notice]:
    for line, token, _children in _inline(case):
        if token.type == "image" and not token.content.strip():
            src = token.attrGet("src") or ""
            yield Notice(
                _(
                    "an image in the body has no alt text ({src}): write what it shows between "
                    "the brackets, ![like this](...) (WCAG 1.1.1)"
                ).format(src=src),
                line=line,
            )


def heading_levels(case: StoryCase) -> Iterator[Notice]:
    previous = 1  # the page's title is its h1
    for block in tokens(case.story.body):
        if block.type != "heading_open" or block.map is None:
            continue
        level = int(block.tag[1:])
        line = case.body_line + block.map[0]
        if level == 1:
            yield Notice(
                _(
                    "a heading with one # in the body: the title is the page's only h1, so the "
                    "body's headings start at ## (WCAG 1.3.1)"
                ),
                line=line,
            )
        elif level > previous + 1:
            yield Notice(
                _(
                    "the heading skips from level {previous} to {level}: use {marks} here "
                    "(WCAG 1.3.1)"
                ).format(previous=previous, level=level, marks="#" * (previous + 1)),
                line=line,
            )
        previous = level


# Link texts that say nothing about where a link leads, read out of context (folded).
VAGUE_LINK_TEXTS = frozenset(
    {
        "klicka här",
        "klicka",
        "här",
        "läs mer",
        "läs mer här",
        "mer",
        "mer info",
        "mer information",
        "länk",
        "den här länken",
        "denna länk",
        "click here",
        "here",
        "read more",
        "more",
        "link",
    }
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _folded(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]+", " ", text.casefold()).split())


def link_texts(case: StoryCase) -> Iterator[Notice]:
    inside: list[str] | None = None
    start = 0
    for line, token, _children in _inline(case):
        if token.type == "link_open":
            inside, start = [], line
        elif token.type == "link_close" and inside is not None:
            text = "".join(inside).strip()
            if _folded(text) in VAGUE_LINK_TEXTS:
                yield Notice(
                    _(
                        "the link text {text} says nothing out of context: name where the "
                        "link leads ([Socialnämndens protokoll](...)) (WCAG 2.4.4)"
                    ).format(text=repr(text)),
                    line=start,
                )
            elif _URL.fullmatch(text):
                yield Notice(
                    _(
                        "a bare address as link text ({text}): screen readers spell it out; "
                        "give the link a text that says where it leads (WCAG 2.4.4)"
                    ).format(text=text),
                    line=start,
                )
            inside = None
        elif inside is not None and token.type in ("text", "code_inline"):
            inside.append(token.content)
        elif inside is None and token.type == "text":
            for found in _URL.finditer(token.content):
                yield Notice(
                    _(
                        "a bare address in the text ({address}): make it a link with a "
                        "text that says where it leads ([the text](address)) (WCAG 2.4.4)"
                    ).format(address=found.group(0)),
                    line=line,
                )


def all_caps(case: StoryCase) -> Iterator[Notice]:
    for line, block in case.texts():
        for sentence in plain.block_sentences(block):
            letters = [c for c in sentence.text if c.isalpha()]
            if len(sentence.words) >= 2 and len(letters) >= 6 and all(c.isupper() for c in letters):
                yield Notice(
                    _(
                        "a sentence in capitals ({sentence}): it is harder to read, "
                        "and screen readers may spell it out letter by letter; write it in "
                        "ordinary case (bold it if it must stand out)"
                    ).format(sentence=_short(sentence.text)),
                    line=line + sentence.line,
                )


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def table_header(case: StoryCase) -> Iterator[Notice]:
    lines = case.story.body.split("\n")
    index = 0
    while index < len(lines):
        if _PIPE_ROW.match(lines[index]) and index + 1 < len(lines):
            if _PIPE_ROW.match(lines[index + 1]) and not _DELIMITER_ROW.match(lines[index + 1]):
                yield Notice(
                    _(
                        "a table without a header row: make the first row its header with a "
                        "|---|---| line under it, so that each cell is read with its column's "
                        "name (WCAG 1.3.1)"
                    ),
                    line=case.body_line + index,
                )
            while index < len(lines) and _PIPE_ROW.match(lines[index]):
                index += 1
            continue
        index += 1
    for block in tokens(case.story.body, allow_html=True):
        if block.type == "html_block" and block.map is not None:
            html = block.content.casefold()
            if "<table" in html and "<th" not in html:
                yield Notice(
                    _(
                        "an HTML table without header cells (<th>): mark the header row "
                        "(WCAG 1.3.1)"
                    ),
                    line=case.body_line + block.map[0],
                )


# -- plain language ----------------------------------------------------------------------------


def _short(text: str, size: int = 40) -> str:
    return repr(text if len(text) <= size else text[: size - 1] + "…")


def long_sentences(case: StoryCase) -> Iterator[Notice]:
    for line, block in case.texts():
        for sentence in plain.block_sentences(block):
            count = len(sentence.words)
            if count > plain.LONG_SENTENCE:
                yield Notice(
                    ngettext(
                        "a sentence of {n} word ({sentence}): more than {limit} is hard to "
                        "follow; split it",
                        "a sentence of {n} words ({sentence}): more than {limit} is hard to "
                        "follow; split it",
                        count,
                    ).format(
                        n=number(count),
                        sentence=_short(sentence.text),
                        limit=number(plain.LONG_SENTENCE),
                    ),
                    line=line + sentence.line,
                )


def abbreviations(case: StoryCase) -> Iterator[Notice]:
    for line, block in case.texts():
        for found in plain.abbreviations(block.text):
            yield Notice(
                _("write out {abbreviation}: {written_out} (plain language)").format(
                    abbreviation=repr(found.text),
                    # The written-out forms are Swedish; the one with an English note is
                    # marked in newscli.plain and translated here.
                    written_out=repr(_(found.written_out)),
                ),
                line=line + block.line_at(found.offset),
            )


def lix_limit(case: StoryCase) -> Iterator[Notice]:
    story = case.story
    measured = plain.readability(story.title, story.teaser, story.body)
    limit = case.settings.lix_limit
    if measured.words >= plain.LIX_MIN_WORDS and measured.lix > limit:
        yield Notice(
            _(
                "LIX {lix} is above the newsroom's limit of {limit}: shorter "
                "sentences and shorter words make it easier to read"
            ).format(lix=f"{measured.lix:.0f}", limit=f"{limit:g}"),
            key="title",
        )


# -- personal data -------------------------------------------------------------------------------


def identity_numbers(case: StoryCase) -> Iterator[Notice]:
    story = case.story
    if personal.acknowledged(story.extra) or case.parts is None:
        return
    parts = case.parts
    for found in personal.numbers_in_file(
        personal.without_id(parts.head + parts.toml + parts.tail + story.body)
    ):
        message = personal.refusal(found)
        if not story.published:
            message = _(
                "{refusal}; a draft is not published, but it may not be either while it has it"
            ).format(refusal=message)
        yield Notice(message, line=found.line, error=story.published)


def photo_consent(case: StoryCase) -> Iterator[Notice]:
    image = case.story.image
    if image is None or not case.story.published:
        return
    if not any(str(image.extra.get(k, "")).strip() for k in ("consent", "legal_basis")):
        yield Notice(
            _(
                "the photo has no consent or legal_basis note in [image]: photos of people "
                "need a legal basis (GDPR art. 6); note who agreed, or why none is needed"
            ),
            key="image",
        )


# The rule set, in the order `check` shows what each finds. What each asks is translated
# where it is shown (Rule.description): RULES is made at import time.
RULES: tuple[Rule, ...] = (
    Rule(
        "personal-number",
        N_("no personal identity or coordination number"),
        identity_numbers,
        switchable=False,
    ),
    Rule("photo-file", N_("the photo file is in the newsroom"), photo=photos.file_missing),
    Rule("photo-alt", N_("a photo has alt text"), photo=photos.alt_missing, switchable=False),
    Rule("photo-alt-text", N_("alt text is no file name or caption"), photo=photos.alt_repeats),
    Rule("photo-credit", N_("a captioned photo has a credit"), photo=photos.credit_missing),
    Rule("photo-size", N_("a photo is as wide as the site shows it"), photo=photos.too_small),
    Rule(
        "photo-consent",
        N_("a photo notes consent or a legal basis"),
        photo_consent,
        optional=True,
    ),
    Rule("image-alt", N_("images in the body have alt text"), body_image_alt),
    Rule("heading-levels", N_("body headings start at ## and skip no level"), heading_levels),
    Rule("link-text", N_("link texts say where they lead; no bare addresses"), link_texts),
    Rule("all-caps", N_("no sentence in capitals"), all_caps),
    Rule("table-header", N_("tables have a header row"), table_header),
    Rule("long-sentence", N_("sentences of at most {limit} words"), long_sentences),
    Rule("abbreviation", N_("abbreviations written out"), abbreviations),
    Rule("lix", N_("LIX at most the newsroom's limit"), lix_limit),
)

RULE_NAMES = tuple(rule.name for rule in RULES)


# -- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckSettings:
    """[checks] of newscli.toml: the LIX limit, the rules turned off (with why) and the
    optional ones turned on."""

    lix_limit: float = LIX_LIMIT
    off: dict[str, str] = field(default_factory=dict, hash=False)
    on: frozenset[str] = frozenset()

    def applies(self, rule: Rule) -> bool:
        if rule.name in self.off:
            return False
        return not rule.optional or rule.name in self.on

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in RULES if self.applies(rule))


def load_settings(root: Path) -> CheckSettings:
    """[checks] of the newsroom's newscli.toml; ConfigError naming what is wrong in it."""
    table = config_table(root, "checks")
    if table is None:
        return CheckSettings()
    path = root / CONFIG_NAME
    unknown = set(table) - {"lix_limit", "on", "off"}
    if unknown:
        raise ConfigError(
            _("[checks] has no key {keys}").format(keys=", ".join(sorted(unknown))), path
        )
    limit = table.get("lix_limit", LIX_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit <= 0:
        raise ConfigError(
            _("[checks] lix_limit must be a positive number, not {value}").format(
                value=repr(limit)
            ),
            path,
        )
    off = table.get("off", {})
    if not isinstance(off, dict):
        raise ConfigError(_('[checks.off] must be a table of rule = "why it is off"'), path)
    by_name = {rule.name: rule for rule in RULES}
    for name, reason in off.items():
        _known(name, path)
        if not by_name[name].switchable:
            raise ConfigError(
                _("[checks.off] the rule {rule} cannot be switched off").format(rule=repr(name)),
                path,
            )
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(
                _('[checks.off] {rule} needs the reason it is off: {rule} = "why"').format(
                    rule=name
                ),
                path,
            )
    on = table.get("on", [])
    if not isinstance(on, list) or not all(isinstance(name, str) for name in on):
        raise ConfigError(
            _('[checks] on must be a list of rule names: on = ["photo-consent"]'), path
        )
    for name in on:
        _known(name, path)
    return CheckSettings(float(limit), dict(off), frozenset(on))


def _known(name: str, path: Path) -> None:
    if name not in RULE_NAMES:
        raise ConfigError(
            _("[checks] no rule is called {rule}; the rules are {rules}").format(
                rule=repr(name), rules=", ".join(RULE_NAMES)
            ),
            path,
        )


# -- running the rules ---------------------------------------------------------------------------


def story_case(
    newsroom: Newsroom, story: Article, parts: frontmatter.Split | None, settings: CheckSettings
) -> StoryCase:
    body_line = 1
    if parts is not None:
        body_line = (parts.head + parts.toml + parts.tail).count("\n") + 1
    return StoryCase(story, parts, body_line, photos.photo_case(newsroom, story), settings)


def notices(case: StoryCase, rules: Iterable[Rule]) -> list[Notice]:
    """Every notice the rules find in one story."""
    return [notice for rule in rules for notice in rule.notices(case)]


def check_stories(
    newsroom: Newsroom, stories: Iterable[Summary], settings: CheckSettings
) -> list[Finding]:
    """`check`'s findings beyond a valid file: every rule that applies, on every story (its
    file read again, for its body and the lines of its keys)."""
    rules = settings.rules
    findings: list[Finding] = []
    for summary in stories:
        assert summary.path is not None
        rel = PurePosixPath(summary.path)
        try:
            text = decode(newsroom.read_bytes(newsroom.root / str(rel)), rel)
            story, _, parts = parse_article_parts(text, newsroom.site, rel)
        except NewsError:  # changed since it was listed: newsroom.check() reports it
            continue
        case = story_case(newsroom, story, parts, settings)
        for notice in notices(case, rules):
            line = notice.line if notice.line is not None else case.key_line(notice.key or "")
            if notice.line is None and notice.key in ("alt", "src", "caption", "credit"):
                line = _image_key_line(parts, notice.key)
            findings.append(Finding(rel, line, notice.message, warning=not notice.error))
    return findings


def _image_key_line(parts: frontmatter.Split, key: str) -> int:
    """The line of a key inside [image] (or of [image] itself)."""
    first = frontmatter.key_line(parts, "image")
    lines = parts.toml.split("\n")[first - parts.toml_first_line :]
    inline = re.compile(rf"^\s*(?:image\s*\.\s*)?\"?{re.escape(key)}\"?\s*=")
    for line_number, line in enumerate(lines, first):
        if line_number > first and re.match(r"^\s*\[", line):
            break
        if inline.match(line):
            return line_number
    return first


def photo_notices(newsroom: Newsroom, story: Summary, settings: CheckSettings) -> list[Notice]:
    """What the photo rules say about a story's photo (for `new` and `photo set`, which
    have no body to look at yet)."""
    case = StoryCase(
        Article(**{name: getattr(story, name) for name in _SUMMARY_FIELDS}),
        None,
        1,
        photos.photo_case(newsroom, story),
        settings,
    )
    return notices(case, (rule for rule in settings.rules if rule.photo is not None))


_SUMMARY_FIELDS = tuple(name for name in Summary.__dataclass_fields__ if name != "lead")


def holding_numbers(newsroom: Newsroom, stories: Iterable[Summary]) -> dict[str, ArticleError]:
    """The stories an export holds back because each holds an identity number: by file, one
    error each, at its first number's line (with how many more); {} when none does (or each
    says why it holds its own)."""
    held: dict[str, ArticleError] = {}
    for story in stories:
        if story.path is None or personal.acknowledged(story.extra):
            continue
        rel = PurePosixPath(story.path)
        try:
            text = decode(newsroom.read_bytes(newsroom.root / str(rel)), rel)
        except NewsError:
            continue  # the export reports the broken file itself
        found = personal.held(text, {})
        if found:
            message = _("held back from the site: {refusal}").format(
                refusal=personal.refusals(found)
            )
            held[str(rel)] = ArticleError(message, rel, found[0].line)
    return held


def clean_versions(stories: Iterable[Summary]) -> list[Summary]:
    """Of the versions an export would show in place of held-back stories, those that hold
    no identity number in their front matter or lead (the version the index last read of
    a file that broke since may hold one)."""
    return [
        story
        for story in stories
        if not personal.held(frontmatter.dump(to_meta(story), story.lead), story.extra)
    ]


def page_is_clean(page: Path) -> bool:
    """True when a page an earlier export wrote is there and holds no identity number: a
    held-back story's page may stay as it was."""
    try:
        text = page.read_bytes().decode("utf-8", "replace")
    except OSError:
        return False
    return not any(personal.find_numbers(text))
