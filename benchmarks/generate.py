"""Generate a realistic newsroom: Swedish-like stories over years, 1–3 of ~20 topics each.

Deterministic for a given seed, so figures from different runs compare. Usage:
    python -m benchmarks.generate DIR [N] [--seed S]
"""

from __future__ import annotations

import argparse
import datetime as dt
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


def _sentence(rng: random.Random, low: int = 6, high: int = 16) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))


def _body(rng: random.Random) -> str:
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


def generate(root: Path, count: int, seed: int = 1) -> list[Path]:
    """Write count articles (and a newscli.toml) under root; returns the files."""
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
            body=_body(rng),
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
        path.write_text(dump(to_meta(article), article.body), encoding="utf-8")
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("count", type=int, nargs="?", default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.root, args.count, args.seed)


if __name__ == "__main__":
    main()
