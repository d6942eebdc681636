"""Newsrooms to test with: the sample newsroom with the photos its stories name, stories to
add to it, and generated newsrooms of many articles."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

from newscli.article import Article, Image, Source, to_meta
from newscli.frontmatter import dump
from tests.conftest import NOW, REPO, STORY

GOLDEN = REPO / "tests" / "golden"
PHOTO = GOLDEN / "site" / "photo.jpg"
PHOTOS = (
    "images/kvalitetsmassa.jpg",
    "images/en-vecka-fri-fran-vald.jpg",
    "images/budgetunderskott.jpg",
    "images/anhorigkoordinator.jpg",
)
STORY_PAGE = f"2021/11/{STORY}/index.html"
SAMPLE_IDS = [  # the five sample stories, newest first
    "5d1c3f4e-2b8a-4f0e-9c61-7a2e8b9d0f13",
    "9a7e2c41-6f3b-4d8a-b2e5-1c0d9f8e7a62",
    "c3b8e1d2-7a4f-4e69-8d15-2f6a9b0c4e37",
    "e4f0a9b7-1d2c-4b3e-8f56-0a9c7d6e5b48",
    "0b6f0c2e-6a53-4d6e-9a57-3c1f4c0de8b1",
]


def sample_newsroom(folder: Path, *, photos: bool = True) -> Path:
    """The repository's sample newsroom, with the photos its stories name."""
    shutil.copytree(REPO / "articles", folder / "articles")
    shutil.copy(REPO / "newscli.toml", folder / "newscli.toml")
    if photos:
        for src in PHOTOS:
            (folder / src).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(PHOTO, folder / src)
    return folder


def write_article(root: Path, article: Article) -> Path:
    path = root / "articles" / f"{article.date:%Y/%m}" / f"{article.slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(to_meta(article), article.body), encoding="utf-8")
    return path


def story(slug: str, **fields: object) -> Article:
    values: dict[str, object] = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, slug)),
        "title": slug.replace("-", " ").capitalize(),
        "slug": slug,
        "date": dt.datetime(2022, 4, 1, 9, 0, tzinfo=NOW.tzinfo),
        "status": "published",
        "author": "Piteå kommun",
        "topics": ("Familjefrågor",),
        "body": "\nEn text.\n",
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


HOSTILE_TITLE = "<script>alert('titel')</script> & \"citat\" 'enkla'"
HOSTILE_TEASER = "Ingress <img src=x onerror=alert(1)> & mer"
HOSTILE_TOPIC = '<b>Fet</b> & "Co"'
HOSTILE_CAPTION = '"><script>alert(2)</script> Bildtext & mer'
HOSTILE_CREDIT = "</figcaption><script>alert(3)</script>"
HOSTILE_ALT = '" onerror="alert(4)'
HOSTILE_SOURCE = "<i>Källa</i> & co"
HOSTILE_BODY = """
Brödtext med <script>alert(5)</script> och <img src=x onerror=alert(6)>.

[Klicka här](javascript:alert(7)) och [här](JaVaScRiPt:alert(8)) och <javascript:alert(9)>.

> Citat med & och "tecken".
"""


def hostile_newsroom(folder: Path) -> Path:
    sample_newsroom(folder)
    write_article(
        folder,
        story(
            "fientlig",
            title=HOSTILE_TITLE,
            teaser=HOSTILE_TEASER,
            topics=(HOSTILE_TOPIC, "javascript:alert(10)"),
            image=Image(
                src="images/kvalitetsmassa.jpg",
                alt=HOSTILE_ALT,
                caption=HOSTILE_CAPTION,
                credit=HOSTILE_CREDIT,
            ),
            source=Source(name=HOSTILE_SOURCE, url="javascript:alert(11)"),
            author='<b onmouseover="x">Någon</b>',
            body=HOSTILE_BODY,
        ),
    )
    return folder


def preview_newsroom(folder: Path) -> Path:
    """The sample plus a draft and a story dated after NOW, and links inside a body."""
    sample_newsroom(folder)
    (folder / "images" / "diagram.png").write_bytes(b"\x89PNG fake")
    write_article(
        folder,
        story(
            "ett-utkast",
            status="draft",
            updated=dt.datetime(2022, 4, 2, 9, 0, tzinfo=NOW.tzinfo),
            body=(
                "\nIngressen är *första stycket* med [en länk](topics/).\n\n"
                "Se [en annan nyhet](2021/11/forbattrad-ekonomisk-prognos-for-socialtjansten/)"
                " och [arkivet](archive/#innehall).\n\n![Diagram](images/diagram.png)\n\n"
                "## Mellanrubrik\n\n- ett\n- två\n\n[extern](https://example.org/a?b=1&c=2)\n"
            ),
        ),
    )
    write_article(folder, story("framtiden", date=NOW + dt.timedelta(days=3)))
    return folder


def secret_article(tmp_path: Path) -> Path:
    """A valid article file outside the newsroom, as a symlink might point to."""
    secret = tmp_path / "outside" / "hemlig.md"
    secret.parent.mkdir()
    secret.write_text(
        '+++\nid = "hemlig"\ntitle = "HEMLIG PROMEMORIA"\nslug = "hemlig"\n'
        'date = 2022-01-01T10:00:00+01:00\nstatus = "published"\ntopics = ["Ekonomi"]\n+++\n\n'
        "Får inte publiceras.\n"
    )
    return secret


def generate_newsroom(root: Path, count: int, seed: int) -> Path:
    """A newsroom of count generated articles at root (the benchmark's generator)."""
    from benchmarks.generate import generate

    generate(root, count, seed=seed)
    return root


def add_article(root: Path, slug: str, toml: str, body: str = "", month: str = "2022/05") -> Path:
    """Write an article file; toml holds the front-matter lines after id and slug."""
    folder = root / "articles" / month
    folder.mkdir(parents=True, exist_ok=True)
    text = f'+++\nid = "{slug}-id"\nslug = "{slug}"\n{toml.strip()}\n+++\n{body}'
    path = folder / f"{slug}.md"
    path.write_text(text, encoding="utf-8")
    return path
