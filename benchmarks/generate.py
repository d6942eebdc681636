"""Generate a realistic newsroom: Swedish-like stories over years, 1–3 of ~20 topics each.

Deterministic for a given seed, so figures from different runs compare. Usage:
    python -m benchmarks.generate DIR [N] [--seed S] [--body-words W] [--topic-comments K]
                                  [--own-photos K [--photo-size WxH]]

--body-words W gives bodies of about W words (default: five blocks of paragraphs, a
subheading and quotes, about 160 words). --topic-comments K writes every K-th story's topics
on one line with a trailing TOML comment, `topics = ["A", "B"]  # …`, as a person editing by
hand would; the stories are otherwise the same bytes as without the option, so a newsroom
generated with it is the plain one plus comments. generate() leaves CORPUS_FILE in the
newsroom, naming what it was generated with, so a reused folder is never a different corpus.

Photos are real JPEGs made with Pillow (a smooth field of colour under a fine grain, so the
encoders do real work): 40 small web photos (800×600) shared by 40 % of the stories, or, with
--own-photos K, no shared photos and instead every K-th story with a photo of its own, the
size of a camera's (--photo-size, default 3000×2000) with the EXIF a camera writes (make,
model, serial, time, GPS position, and an orientation: every fourth one was taken upright, so
it is stored on its side), at images/YYYY/MM/<slug>.jpg as `newscli new --image` puts it.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import random
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image as Pillow

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
PHOTOS = 40  # shared web photos, WEB_PHOTO pixels each


def shared_photos(count: int) -> int:
    """The shared web photos of a newsroom of count stories: PHOTOS from 200 stories on (every
    benchmark corpus), fewer in a small one (the suite's smoke run), where making the photos'
    sizes would otherwise be most of each export."""
    return max(1, min(PHOTOS, count // 5))


WEB_PHOTO = (800, 600)
CAMERA_PHOTO = (3000, 2000)  # a story's own photo (--own-photos): 6 megapixels
# What each story's topics line says when it carries a comment (chosen by index, not by rng,
# so the stories are the same with and without comments).
TOPIC_COMMENTS = [
    "ämnen enligt redaktionens lista",
    "TODO: fler ämnen?",
    "från gamla webben",
    "ändrat för hand",
]
CORPUS_FILE = ".newscli-bench.json"
# Bump when the same settings generate other files: a newsroom left by an older generator is
# generated again (see benchmarks.run.ensure_newsroom). 1: photos were random bytes between
# JPEG markers, which no image library opens; 2: real JPEGs.
GENERATOR_VERSION = 2
# Settings a corpus recorded by an older generator may lack, with what they were then.
SETTING_DEFAULTS: dict[str, object] = {
    "body_words": None,
    "topic_comments": 0,
    "own_photos": 0,
    "photo_size": list(CAMERA_PHOTO),
}


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


def _pixels(rng: random.Random, size: tuple[int, int]) -> Pillow.Image:
    """A picture of size pixels from rng: a smooth field of colour (a 12×8 grid of random
    colours, scaled up) under a fine grain (random grey, 10 %), so that JPEG and WebP encoders
    work as hard as on a photo, not on a flat colour. Deterministic: Pillow draws nothing
    random itself."""
    width, height = size
    cells = (12, 8) if width >= height else (8, 12)
    field = Pillow.frombytes("RGB", cells, rng.randbytes(cells[0] * cells[1] * 3))
    field = field.resize(size, Pillow.Resampling.BICUBIC)
    grain = Pillow.frombytes("L", size, rng.randbytes(width * height)).convert("RGB")
    return Pillow.blend(field, grain, 0.1)


def web_photo(rng: random.Random, size: tuple[int, int] = WEB_PHOTO) -> bytes:
    """A small JPEG, as a photo already made for the web is (no EXIF)."""
    out = io.BytesIO()
    _pixels(rng, size).save(out, "JPEG", quality=85)
    return out.getvalue()


def camera_photo(key: str, size: tuple[int, int] = CAMERA_PHOTO, orientation: int = 1) -> bytes:
    """A camera's JPEG of size pixels (as stored), the same bytes for the same key, with the
    EXIF that must never reach the site: make, model, body serial, time, GPS position, and
    orientation (6: the camera was held upright, the picture is stored on its side)."""
    rng = random.Random(key)
    exif = Pillow.Exif()
    exif[0x010F] = "Canon"  # Make
    exif[0x0110] = "Canon EOS R6"  # Model
    exif[0x0112] = orientation
    taken = f"20{rng.randint(12, 25)}:{rng.randint(1, 12):02d}:{rng.randint(1, 28):02d} 10:15:00"
    exif[0x0132] = taken  # DateTime
    camera = exif.get_ifd(0x8769)  # the Exif IFD
    camera[0x9003] = taken  # DateTimeOriginal
    camera[0xA431] = f"{rng.randrange(10**11):011d}"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)  # the GPS IFD: around Piteå
    gps[1], gps[2] = "N", (65.0, float(rng.randint(10, 25)), round(rng.uniform(0, 60), 2))
    gps[3], gps[4] = "E", (21.0, float(rng.randint(20, 35)), round(rng.uniform(0, 60), 2))
    out = io.BytesIO()
    _pixels(rng, size).save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def corpus(
    count: int,
    seed: int,
    body_words: int | None,
    topic_comments: int,
    own_photos: int = 0,
    photo_size: tuple[int, int] = CAMERA_PHOTO,
) -> dict[str, object]:
    """What a generated newsroom is made of: the same for two folders means the same files."""
    return {
        "generator": GENERATOR_VERSION,
        "count": count,
        "seed": seed,
        "body_words": body_words,
        "topic_comments": topic_comments,
        "own_photos": own_photos,
        "photo_size": list(photo_size),
    }


def outdated(found: dict[str, object], wanted: dict[str, object]) -> bool:
    """Whether found (a recorded corpus) has wanted's settings but an older generator made it:
    the folder is to be generated again, not refused."""
    version = found.get("generator", 1)
    if not isinstance(version, int) or version >= GENERATOR_VERSION:
        return False
    settings = [key for key in wanted if key != "generator"]
    return all(found.get(key, SETTING_DEFAULTS.get(key)) == wanted[key] for key in settings)


def generate(
    root: Path,
    count: int,
    seed: int = 1,
    *,
    body_words: int | None = None,
    topic_comments: int = 0,
    own_photos: int = 0,
    photo_size: tuple[int, int] = CAMERA_PHOTO,
) -> list[Path]:
    """Write count articles (and a newscli.toml, and their photos) under root; returns the
    article files.

    body_words: bodies of about that many words (None: the usual five blocks, ~160 words).
    topic_comments: every topic_comments-th story (the 7th, 14th, … for 7; 0 for none) has its
    topics on one line with a trailing TOML comment; nothing else about the stories changes.
    own_photos: every own_photos-th story (0: none) has a camera photo of its own, photo_size
    pixels as stored, and no story shows one of the shared photos (none are written).
    """
    rng = random.Random(seed)
    photo_rng = random.Random(f"{seed}:photos")  # the stories are drawn from rng alone
    root.mkdir(parents=True, exist_ok=True)
    (root / "newscli.toml").write_text(
        '[site]\ntitle = "Benchmark"\nbase_url = "https://www.example.se/aktuellt/"\n'
        '[defaults]\nauthor = "Piteå kommun"\n',
        encoding="utf-8",
    )
    photos = []
    (root / "images").mkdir(exist_ok=True)
    for number in range(shared_photos(count) if not own_photos else 0):
        photo = root / "images" / f"foto-{number:02d}.jpg"
        photo.write_bytes(web_photo(photo_rng))
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
                src=photos[index % len(photos)],
                # Without alt text a published photo fails the export (exit 1), as in check.
                alt="Illustrationsbild från kommunens verksamhet",
                caption=_sentence(rng),
                credit=rng.choice(PEOPLE),
            )
            if rng.random() < 0.4 and photos
            else None,
            source=Source(name="Piteå kommun", url=f"https://www.example.se/nyheter/{slug}")
            if rng.random() < 0.3
            else None,
        )
        month = f"{date.year:04d}/{date.month:02d}"
        if own_photos and (index + 1) % own_photos == 0:
            article = _with_own_photo(root, article, month, index, seed, photo_size, photo_rng)
        folder = root / "articles" / month
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{slug}.md"
        text = dump(to_meta(article), article.body)
        if topic_comments and (index + 1) % topic_comments == 0:
            comment = TOPIC_COMMENTS[index // topic_comments % len(TOPIC_COMMENTS)]
            text = _comment_topics(text, article.topics, comment)
        path.write_text(text, encoding="utf-8")
        files.append(path)
    recorded = corpus(count, seed, body_words, topic_comments, own_photos, photo_size)
    (root / CORPUS_FILE).write_text(json.dumps(recorded) + "\n", encoding="utf-8")
    return files


def _with_own_photo(
    root: Path,
    article: Article,
    month: str,
    index: int,
    seed: int,
    size: tuple[int, int],
    rng: random.Random,
) -> Article:
    """article with a camera photo of its own, written where `newscli new --image` puts it."""
    src = f"images/{month}/{article.slug}.jpg"
    (root / src).parent.mkdir(parents=True, exist_ok=True)
    orientation = 6 if index % 4 == 3 else 1
    (root / src).write_bytes(camera_photo(f"{seed}:{index}", size, orientation))
    image = Image(
        src=src,
        alt=_sentence(rng, 5, 12),
        caption=_sentence(rng),
        credit=rng.choice(PEOPLE),
    )
    return dataclasses.replace(article, image=image)


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
    parser.add_argument(
        "--own-photos",
        type=int,
        default=0,
        metavar="K",
        help="every K-th story has a camera photo of its own, and none a shared one "
        "(default 0: 40 shared web photos on 40 %% of the stories)",
    )
    parser.add_argument(
        "--photo-size",
        type=photo_size,
        default=CAMERA_PHOTO,
        metavar="WxH",
        help="the pixels of each own photo, as stored (default 3000x2000)",
    )
    args = parser.parse_args()
    generate(
        args.root,
        args.count,
        args.seed,
        body_words=args.body_words,
        topic_comments=args.topic_comments,
        own_photos=args.own_photos,
        photo_size=args.photo_size,
    )


def photo_size(text: str) -> tuple[int, int]:
    """WxH (as 3000x2000) as (width, height); argparse's type for --photo-size."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not WxH: {text!r}") from None
    if width < 1 or height < 1:
        raise argparse.ArgumentTypeError(f"not a size: {text!r}")
    return width, height


if __name__ == "__main__":
    main()
