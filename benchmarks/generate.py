"""Generate a realistic newsroom: Swedish-like stories over years, 1–3 of ~20 topics each.

Deterministic for a given seed, so figures from different runs compare. Usage:
    python -m benchmarks.generate DIR [N] [--seed S] [--body-words W] [--topic-comments K]

--body-words W gives bodies of about W words (default: five blocks of paragraphs, a
subheading and quotes, about 160 words). --topic-comments K writes every K-th story's topics
on one line with a trailing TOML comment, `topics = ["A", "B"]  # …`, as a person editing by
hand would; the stories are otherwise the same bytes as without the option, so a newsroom
generated with it is the plain one plus comments. generate() leaves CORPUS_FILE in the
newsroom, naming what it was generated with, so a reused folder is never a different corpus.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

from newscli.article import Article, Image, Source, to_meta
from newscli.frontmatter import dump
from newscli.slugs import make_slug

TOPICS = [
    "Familjefrågor",
    "Anhörigstöd",
    "Ekonomi",
    "Äldreomsorg",
    "Funktionshinder",
    "Barn och unga",
    "Missbruk",
    "Våld i nära relationer",
    "Kvalitetsutveckling",
    "Personal",
    "Brandskydd",
    "Hemtjänst",
    "Socialnämnden",
    "Integration",
    "Boende",
    "Försörjningsstöd",
    "Folkhälsa",
    "Digitalisering",
    "Krisberedskap",
    "Föreningsliv",
]
WORDS = (
    "socialtjänsten nämnden arbetar med stöd till familjer och anhöriga i kommunen under året "
    "prognos budget underskott satsning projekt medel beviljades verksamheten personal "
    "kompetensförsörjning utveckling samverkan barn unga äldre omsorg hemtjänst boende "
    "trygghet förebyggande insatser medborgare kvalitet mässa föreläsningar utställare "
    "handlingsplan ekonomisk effekt kostnader minskade ökade brandskydd Källbogården Österbo "
    "Berggården Piteå länet landet pandemin bokslut licenser familjehem ordförande socialchef"
).split()
PEOPLE = [
    "Sven-Gösta Pettersson",
    "Fredrik Sjömark",
    "Eva Börjesson Öman",
    "Lena Enqvist",
    "Ann-Catrin Gustafsson",
]
TZ = ZoneInfo("Europe/Stockholm")
PHOTOS = 40
# What each story's topics line says when it carries a comment (chosen by index, not by rng,
# so the stories are the same with and without comments).
TOPIC_COMMENTS = [
    "ämnen enligt redaktionens lista",
    "TODO: fler ämnen?",
    "från gamla webben",
    "ändrat för hand",
]
CORPUS_FILE = ".newscli-bench.json"


def _sentence(rng: random.Random, low: int = 6, high: int = 16) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


def _body(rng: random.Random, words: int | None = None) -> str:
    if words is not None:
        return _body_of(rng, words)
    blocks = []
    for index in range(5):
        if index == 2 and rng.random() < 0.5:
            blocks.append("## " + _sentence(rng, 3, 6).rstrip("."))
        if rng.random() < 0.3:
            dash = rng.choice(["-", "– "])
            blocks.append(f"{dash}{_sentence(rng).rstrip('.')}, säger {rng.choice(PEOPLE)}.")
        else:
            blocks.append(_paragraph(rng))
    return "\n" + "\n\n".join(blocks) + "\n"


def _body_of(rng: random.Random, words: int) -> str:
    """A body of words words (as split() counts them, a subheading's '##' aside), in the blocks
    _body uses: paragraphs, perhaps a subheading as the third block, quotes."""
    blocks: list[str] = []
    left = max(1, words)
    while left > 0:
        if len(blocks) == 2 and left > 20 and rng.random() < 0.5:
            block = "## " + _sentence(rng, 3, 6).rstrip(".")
        elif left > 20 and rng.random() < 0.3:
            dash = rng.choice(["-", "– "])
            block = f"{dash}{_sentence(rng).rstrip('.')}, säger {rng.choice(PEOPLE)}."
        else:
            sentences, room = [], left
            for _ in range(rng.randint(2, 5)):
                if room <= 0:
                    break
                sentences.append(_sentence(rng, min(6, room), min(16, room)))
                room -= len(sentences[-1].split())
            block = " ".join(sentences)
        blocks.append(block)
        left -= len(block.split()) - block.startswith("## ")
    return "\n" + "\n\n".join(blocks) + "\n"


def _comment_topics(text: str, topics: tuple[str, ...], comment: str) -> str:
    """text with its topics array (as tomli-w writes it, one item a line) on one line with a
    trailing comment."""
    start = text.index("\ntopics = [") + 1
    end = text.index("]\n", start) + 2
    line = f"topics = {json.dumps(list(topics), ensure_ascii=False)}  # {comment}\n"
    return text[:start] + line + text[end:]


def corpus(count: int, seed: int, body_words: int | None, topic_comments: int) -> dict[str, object]:
    """What a generated newsroom is made of: the same for two folders means the same files."""
    return {
        "count": count,
        "seed": seed,
        "body_words": body_words,
        "topic_comments": topic_comments,
    }


def generate(
    root: Path,
    count: int,
    seed: int = 1,
    *,
    body_words: int | None = None,
    topic_comments: int = 0,
) -> list[Path]:
    """Write count articles (and a newscli.toml) under root; returns the files.

    body_words: bodies of about that many words (None: the usual five blocks, ~160 words).
    topic_comments: every topic_comments-th story (the 7th, 14th, … for 7; 0 for none) has its
    topics on one line with a trailing TOML comment; nothing else about the stories changes.
    """
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    (root / "newscli.toml").write_text(
        '[site]\ntitle = "Benchmark"\nbase_url = "https://www.example.se/aktuellt/"\n'
        '[defaults]\nauthor = "Piteå kommun"\n',
        encoding="utf-8",
    )
    photos = []
    (root / "images").mkdir(exist_ok=True)
    for number in range(PHOTOS):
        photo = root / "images" / f"foto-{number:02d}.jpg"
        # JPEG start and end markers around noise: the size of a small web photo, not a picture
        photo.write_bytes(
            b"\xff\xd8\xff\xe0" + rng.randbytes(rng.randint(20_000, 80_000)) + b"\xff\xd9"
        )
        photos.append(f"images/{photo.name}")
    start = dt.datetime(2012, 1, 1, 8, 0, tzinfo=TZ)
    span = int((dt.datetime(2026, 1, 1, tzinfo=TZ) - start).total_seconds())
    files = []
    for index in range(count):
        title = _sentence(rng, 4, 10).rstrip(".")
        slug = f"{make_slug(title, 60)}-{index}"
        date = (start + dt.timedelta(seconds=rng.randrange(span))).replace(second=0, microsecond=0)
        article = Article(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            title=title,
            slug=slug,
            date=date,
            body=_body(rng, body_words),
            status="published" if rng.random() < 0.95 else "draft",
            author=rng.choice(["Piteå kommun", *PEOPLE]),
            topics=tuple(rng.sample(TOPICS, rng.randint(1, 3))),
            teaser=_paragraph(rng),
            image=Image(
                src=photos[index % len(photos)], caption=_sentence(rng), credit=rng.choice(PEOPLE)
            )
            if rng.random() < 0.4
            else None,
            source=Source(name="Piteå kommun", url=f"https://www.example.se/nyheter/{slug}")
            if rng.random() < 0.3
            else None,
        )
        folder = root / "articles" / f"{date.year:04d}" / f"{date.month:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{slug}.md"
        text = dump(to_meta(article), article.body)
        if topic_comments and (index + 1) % topic_comments == 0:
            comment = TOPIC_COMMENTS[index // topic_comments % len(TOPIC_COMMENTS)]
            text = _comment_topics(text, article.topics, comment)
        path.write_text(text, encoding="utf-8")
        files.append(path)
    (root / CORPUS_FILE).write_text(
        json.dumps(corpus(count, seed, body_words, topic_comments)) + "\n", encoding="utf-8"
    )
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--body-words",
        type=int,
        metavar="W",
        help="bodies of about W words (default: five blocks, about 160 words)",
    )
    parser.add_argument(
        "--topic-comments",
        type=int,
        default=0,
        metavar="K",
        help="every K-th story has a trailing comment on its topics line (default 0: none)",
    )
    args = parser.parse_args()
    generate(
        args.root,
        args.count,
        args.seed,
        body_words=args.body_words,
        topic_comments=args.topic_comments,
    )


if __name__ == "__main__":
    main()
