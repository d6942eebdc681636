"""A story's photo as staff meet it: new --image, photo set|remove, check's rules, show and
list; what is not a photo is refused with its name, and nothing is written then."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from pathlib import Path

import pytest

from newscli.article import Image
from newscli.photos import image_for, inspect_photo, place_photo
from tests.conftest import STORY, STORY_PATH, Invoke
from tests.support.photos import camera_photo

PHOTO_STORY = "socialtjansten-erbjuder-stod-till-anhoriga-genom-ny-organisation"
PHOTO_STORY_PATH = f"articles/2022/01/{PHOTO_STORY}.md"


def front_matter(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8").split("+++\n")[1])


def files_under(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".newscli" not in p.parts
    }


@pytest.fixture
def photo(newsroom_path: Path) -> Path:
    """A camera photo outside the newsroom, as staff have it on their desktop."""
    path = newsroom_path.parent / "IMG_4711.jpg"
    path.write_bytes(camera_photo(1800, 1200))
    return path


# -- new --image --------------------------------------------------------------------------------


def test_new_copies_the_photo_next_to_its_story_and_fills_in_image(
    invoke: Invoke, newsroom_path: Path, photo: Path
) -> None:
    result = invoke(
        "new", "Nytt äldreboende", "--date", "2022-05-02", "--image", str(photo),
        "--alt", "Ett gult trähus", "--caption", "Det nya boendet", "--credit", "Helene Markström",
        "--publish", "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "images/2022/05/nytt-aldreboende.jpg" in result.stderr
    meta = front_matter(newsroom_path / result.stdout.strip())
    assert meta["image"] == {
        "src": "images/2022/05/nytt-aldreboende.jpg",
        "alt": "Ett gult trähus",
        "caption": "Det nya boendet",
        "credit": "Helene Markström",
    }
    copied = newsroom_path / "images/2022/05/nytt-aldreboende.jpg"
    assert copied.exists() and b"SN-4711-SECRET" not in copied.read_bytes()
    assert invoke("check").exit_code == 0


def test_new_with_a_photo_and_no_alt_text_asks_on_a_terminal_and_fails_without_one(
    invoke: Invoke, newsroom_path: Path, photo: Path
) -> None:
    before = files_under(newsroom_path)
    refused = invoke("new", "Utan alt", "--image", str(photo), "--no-input")
    assert refused.exit_code == 2 and "--alt is required" in refused.stderr
    assert files_under(newsroom_path) == before  # nothing written, no photo copied

    asked = invoke(
        "new", "Med alt", "--teaser", "T", "-t", "Ekonomi", "--image", str(photo),
        input="n\n\n  \nTvå personer vid ett bord\n", stdin_isatty=True,
    )  # fmt: skip
    assert asked.exit_code == 0, asked.stderr
    assert "Alt text (what does the photo show?)" in asked.stderr  # stdout: the path only
    created = asked.stdout.strip()
    assert front_matter(newsroom_path / created)["image"]["alt"] == "Två personer vid ett bord"


@pytest.mark.parametrize(
    "content, says",
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>', "is not a photo"),
        (camera_photo(1800, 1200)[:4000], "broken"),
        (b"GIF89a" + bytes(100), "is not a photo"),
        (b"", "is not a photo"),
    ],
    ids=["svg", "truncated", "gif", "empty"],
)
def test_what_is_not_a_whole_photo_is_refused_by_name_and_nothing_is_written(
    invoke: Invoke, newsroom_path: Path, content: bytes, says: str
) -> None:
    bad = newsroom_path.parent / "bild.jpg"
    bad.write_bytes(content)
    before = files_under(newsroom_path)
    for args in (
        ("new", "Bild", "--image", str(bad), "--alt", "A", "--no-input"),
        ("photo", "set", STORY, str(bad), "--alt", "A", "--no-input"),
    ):
        result = invoke(*args)
        assert result.exit_code == 2, result.stderr
        assert f"{bad}: " in result.stderr and says in result.stderr
    assert files_under(newsroom_path) == before


def test_a_decompression_bomb_is_refused_before_its_pixels_are_read(
    invoke: Invoke, newsroom_path: Path
) -> None:
    from PIL import Image as Pillow

    bomb = newsroom_path.parent / "bomb.png"
    out = io.BytesIO()
    Pillow.new("1", (12_000, 12_000)).save(out, "PNG")  # 144 MP in a few kB
    bomb.write_bytes(out.getvalue())
    result = invoke("photo", "set", STORY, str(bomb), "--alt", "A")
    assert result.exit_code == 2 and "decompression bomb" in result.stderr
    assert not (newsroom_path / "images").exists()


def test_a_photo_is_never_copied_over_another_and_an_identical_one_is_reused(
    tmp_path: Path,
) -> None:
    import datetime as dt

    date = dt.datetime(2022, 5, 2, tzinfo=dt.UTC)
    first = inspect_photo(camera_photo(600, 400), "a.jpg")
    other = inspect_photo(camera_photo(600, 400, colour=(0, 0, 0)), "b.jpg")
    placed = place_photo(tmp_path, first, date, "nyhet", keep_metadata=True)
    assert (placed.src, placed.created) == ("images/2022/05/nyhet.jpg", True)
    clash = place_photo(tmp_path, other, date, "nyhet", keep_metadata=True)
    assert clash.src == "images/2022/05/nyhet-2.jpg"
    assert (tmp_path / placed.src).read_bytes() == first.data
    again = place_photo(tmp_path, first, date, "nyhet", keep_metadata=True)
    assert (again.src, again.created) == ("images/2022/05/nyhet.jpg", False)


def test_a_png_keeps_being_a_png_whatever_its_name_says(tmp_path: Path) -> None:
    import datetime as dt

    photo = inspect_photo(camera_photo(600, 400, format="PNG"), "foto.jpg")
    placed = place_photo(tmp_path, photo, dt.datetime(2022, 1, 5, tzinfo=dt.UTC), "x")
    assert placed.src == "images/2022/01/x.png"


# -- photo set | remove --------------------------------------------------------------------------


def test_photo_set_gives_an_existing_story_a_photo_and_keeps_the_rest_of_the_file(
    invoke: Invoke, newsroom_path: Path, photo: Path
) -> None:
    story = newsroom_path / STORY_PATH
    before = story.read_text(encoding="utf-8")
    result = invoke(
        "photo", "set", STORY, str(photo), "--alt", "Nämnden sammanträder",
        "--credit", "Helene Markström",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == STORY_PATH
    after = story.read_text(encoding="utf-8")
    # The body byte for byte, the comment on the first line kept, only [image] added.
    assert after.split("\n+++\n", 1)[1] == before.split("\n+++\n", 1)[1]
    assert after.startswith(before.split("\n", 2)[0] + "\n# The source page gives no date")
    meta = front_matter(story)
    assert meta["image"] == {
        "src": f"images/2021/11/{STORY}.jpg",
        "alt": "Nämnden sammanträder",
        "credit": "Helene Markström",
    }
    assert meta["source"]["name"] == "Piteå kommun, Piteå"
    # Only the texts: the photo stays, the alt text too.
    changed = invoke("photo", "set", STORY, "--caption", "Sammanträdet", "--no-input")
    assert changed.exit_code == 0, changed.stderr
    assert front_matter(story)["image"]["alt"] == "Nämnden sammanträder"
    assert front_matter(story)["image"]["caption"] == "Sammanträdet"


def test_photo_remove_clears_image_and_keeps_the_photo_file(
    invoke: Invoke, newsroom_path: Path, photo: Path
) -> None:
    invoke("photo", "set", STORY, str(photo), "--alt", "A", "--no-input")
    kept = newsroom_path / f"images/2021/11/{STORY}.jpg"
    assert kept.exists()
    result = invoke("photo", "remove", STORY)
    assert result.exit_code == 0, result.stderr
    assert "image" not in front_matter(newsroom_path / STORY_PATH)
    assert kept.exists() and "kept" in result.stderr
    again = invoke("photo", "remove", STORY)
    assert again.exit_code == 0 and "no photo" in again.stderr
    assert invoke("check").exit_code == 0


def test_photo_set_takes_every_kind_of_ref_and_names_an_unknown_one(
    invoke: Invoke, newsroom_path: Path, photo: Path
) -> None:
    for ref in (STORY, STORY_PATH, "0b6f0c2e"):
        result = invoke("photo", "set", ref, str(photo), "--alt", "A", "--no-input")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.strip() == STORY_PATH
    # The same photo three times: one file.
    assert [p.name for p in (newsroom_path / "images/2021/11").iterdir()] == [f"{STORY}.jpg"]
    unknown = invoke("photo", "set", "finns-inte", str(photo), "--alt", "A")
    assert unknown.exit_code == 1 and "no story matches" in unknown.stderr


def test_a_new_photo_does_not_inherit_the_old_ones_alt_text(
    invoke: Invoke, newsroom_path: Path, photo: Path
) -> None:
    refused = invoke("photo", "set", PHOTO_STORY, str(photo), "--no-input")
    assert refused.exit_code == 2 and "--alt" in refused.stderr
    assert front_matter(newsroom_path / PHOTO_STORY_PATH)["image"]["src"] == (
        "images/anhorigkoordinator.jpg"
    )


def test_image_for_keeps_texts_and_unknown_keys_only_while_the_photo_stays() -> None:
    current = Image("images/a.jpg", "Alt", "Bildtext", "Foto", {"consent": "muntligt"})
    assert image_for(current, None, caption="Ny") == Image(
        "images/a.jpg", "Alt", "Ny", "Foto", {"consent": "muntligt"}
    )
    assert image_for(current, "images/b.jpg", alt="B") == Image("images/b.jpg", "B")


# -- check --------------------------------------------------------------------------------------


def set_image(path: Path, table: str, status: str = "published") -> None:
    text = path.read_text(encoding="utf-8")
    head, body = text.split("\n+++\n", 1)
    head = head.split("\n[image]\n", 1)[0].replace('status = "published"', f'status = "{status}"')
    path.write_text(f"{head}\n[image]\n{table}+++\n{body}", encoding="utf-8")


def in_images(root: Path, name: str, width: int, height: int) -> Path:
    """A camera photo in the newsroom's images/ folder."""
    path = root / "images" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(camera_photo(width, height))
    return path


def test_check_reports_each_photo_problem_at_its_line(
    invoke: Invoke, newsroom_path: Path, photo: Path
) -> None:
    in_images(newsroom_path, "liten.jpg", 800, 600)
    in_images(newsroom_path, "stor.jpg", 1700, 1000)
    story = newsroom_path / PHOTO_STORY_PATH
    line = story.read_text(encoding="utf-8").split("\n").index("[image]") + 1

    cases = {
        'src = "images/finns-inte.jpg"\nalt = "Ett hus"\n': (line + 1, "does not exist"),
        'src = "images/stor.jpg"\n': (line, "no alt text (WCAG 2.1 success criterion 1.1.1)"),
        'src = "images/stor.jpg"\nalt = "Ett hus"\ncaption = "Huset"\n': (
            line + 3,
            "caption but no credit",
        ),
        'src = "images/stor.jpg"\nalt = "stor.jpg"\n': (line + 2, "only the file name"),
        'src = "images/stor.jpg"\nalt = "Huset."\ncaption = "huset"\ncredit = "E"\n': (
            line + 2,
            "only repeats the caption",
        ),
        'src = "images/liten.jpg"\nalt = "Ett hus"\n': (line + 1, "800 px wide"),
    }
    for table, (at, message) in cases.items():
        set_image(story, table)
        result = invoke("check")
        found = [
            row
            for row in result.stdout.splitlines()
            if row.startswith(PHOTO_STORY_PATH) and "photo" in row
        ]
        assert len(found) == 1, (table, result.stdout)
        assert found[0].startswith(f"{PHOTO_STORY_PATH}:{at}: ") and message in found[0]
    set_image(story, 'src = "images/stor.jpg"\nalt = "Ett hus"\ncaption = "Huset"\ncredit = "E"\n')
    clean = invoke("check")
    about_it = [row for row in clean.stdout.splitlines() if row.startswith(PHOTO_STORY_PATH)]
    assert not [row for row in about_it if "photo" in row] and clean.exit_code == 0


def test_only_a_published_story_without_alt_text_fails_check(
    invoke: Invoke, newsroom_path: Path
) -> None:
    story = newsroom_path / PHOTO_STORY_PATH
    set_image(story, 'src = "images/x.jpg"\n', status="published")
    failed = invoke("check")
    assert failed.exit_code == 1
    assert (
        f"{PHOTO_STORY_PATH}:" in failed.stdout
        and "warning" not in failed.stdout.split("alt text")[0].rsplit("\n", 1)[-1]
    )
    set_image(story, 'src = "images/x.jpg"\n', status="draft")
    draft = invoke("check")
    assert draft.exit_code == 0
    assert "warning: the photo needs alt text before the story is published" in draft.stdout


# -- show and list ------------------------------------------------------------------------------


def test_show_prints_caption_credit_and_alt_text_as_the_story_reads(invoke: Invoke) -> None:
    shown = invoke("show", "framtidens-socialtjanst-i-fokus-under-arets-kvalitetsmassa").stdout
    flat = " ".join(shown.split())
    assert "var alla nöjda med mässdagarna. Foto: Helene Markström" in flat
    assert "Alt-text: Tre personer står framför en mässmonter" in flat


def test_show_makes_alt_text_safe_for_the_terminal(invoke: Invoke, newsroom_path: Path) -> None:
    set_image(newsroom_path / PHOTO_STORY_PATH, 'src = "images/x.jpg"\nalt = "Hus\\u001b[2J"\n')
    shown = invoke("show", PHOTO_STORY).stdout
    assert "\x1b" not in shown and "Alt-text: Hus[2J" in shown


def test_list_json_and_csv_carry_every_image_field(invoke: Invoke) -> None:
    records = json.loads(invoke("list", "--format", "json").stdout)
    with_photo = next(r for r in records if r["slug"] == PHOTO_STORY)
    assert with_photo["image"] == {
        "src": "images/anhorigkoordinator.jpg",
        "alt": "Ann-Catrin Gustafsson och Lena Enqvist",
        "caption": with_photo["image"]["caption"],
        "credit": "",
    }
    rows = list(csv.DictReader(io.StringIO(invoke("list", "--format", "csv").stdout)))
    header = list(rows[0])
    assert header[header.index("teaser") + 1 :][:4] == [
        "image.src",
        "image.alt",
        "image.caption",
        "image.credit",
    ]
    assert next(r for r in rows if r["slug"] == STORY)["image.src"] == ""


# -- photos: alt text as a reader meets it (issue 24) -------------------------------------------


def test_photos_an_export_warns_and_exits_1_for_a_published_photo_without_alt_text(
    invoke: Invoke, newsroom_path: Path, tmp_path: Path
) -> None:
    in_images(newsroom_path, "stor.jpg", 1700, 1000)
    story = newsroom_path / PHOTO_STORY_PATH
    set_image(story, 'src = "images/stor.jpg"\n')
    for args in ((), ("--full",), ()):  # a full build, then an incremental one says it too
        result = invoke("export", "html", "-o", str(tmp_path / "site"), *args)
        assert result.exit_code == 1, result.stderr
        said = [line for line in result.stderr.splitlines() if "no alt text" in line]
        assert len(said) == 1 and said[0].startswith(f"newscli: warning: {PHOTO_STORY_PATH}: ")
    assert invoke("build", "--quiet").exit_code == 1  # the configured exports: the same
    set_image(story, 'src = "images/stor.jpg"\n', status="draft")  # off the site: no error
    assert invoke("export", "html", "-o", str(tmp_path / "site")).exit_code == 0
    set_image(story, 'src = "images/stor.jpg"\nalt = "Ett gult trähus"\n')
    assert invoke("export", "html", "-o", str(tmp_path / "site")).exit_code == 0


@pytest.mark.parametrize("camera_name", ["IMG_4711.jpg", "DSC00012.JPG"])
def test_photos_an_alt_text_that_is_the_cameras_file_name_is_seen_after_the_copy(
    invoke: Invoke, newsroom_path: Path, camera_name: str
) -> None:
    taken = newsroom_path.parent / camera_name
    taken.write_bytes(camera_photo(1800, 1200))
    for alt in (camera_name, camera_name.rsplit(".", 1)[0]):
        result = invoke("photo", "set", STORY, str(taken), "--alt", alt, "--no-input")
        assert result.exit_code == 0, result.stderr
        assert STORY in front_matter(newsroom_path / STORY_PATH)["image"]["src"]  # copied
        assert "only the file name" in result.stderr
        checked = invoke("check")
        assert checked.exit_code == 1  # published: an error, as no alt text is
        assert "only the file name" in checked.stdout


def test_photos_an_alt_text_of_only_invisible_characters_is_no_alt_text(
    invoke: Invoke, newsroom_path: Path, photo: Path
) -> None:
    for invisible in ("\u200b", "\u200b\u200d \ufeff", "\u2060\u00ad"):
        refused = invoke("photo", "set", STORY, str(photo), "--alt", invisible, "--no-input")
        assert refused.exit_code == 2 and "--alt is required" in refused.stderr
    story = newsroom_path / PHOTO_STORY_PATH
    set_image(story, 'src = "images/x.jpg"\nalt = "\\u200b"\n')
    checked = invoke("check")
    assert checked.exit_code == 1 and "no alt text" in checked.stdout


# -- private metadata at intake ------------------------------------------------------------------


def private_camera_photo() -> bytes:
    """A phone's JPEG: GPS position, body and lens serials, artist and owner names, a maker
    note, XMP, an orientation (6: turned) and an ICC colour profile."""
    from PIL import Image as Pillow

    from tests.support.photos import swapped_profile

    exif = Pillow.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "Kamera AB"  # Make
    exif[0x013B] = "Anna Andersson"  # Artist
    details = exif.get_ifd(0x8769)
    details[0x9003] = "2022:03:14 09:26:53"  # DateTimeOriginal
    details[0xA430] = "Anna Andersson privat"  # CameraOwnerName
    details[0xA431] = "SN-4711-SECRET"  # BodySerialNumber
    details[0xA435] = "LENS-0815-SECRET"  # LensSerialNumber
    details[0x927C] = b"MAKERNOTE-SECRET"  # MakerNote
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (65.0, 19.0, 0.0), 3: "E", 4: (21.0, 29.0, 0.0)})
    image = Pillow.new("RGB", (64, 48), (255, 0, 0))
    image.paste((0, 0, 255), (0, 24, 64, 48))
    out = io.BytesIO()
    image.save(
        out, "JPEG", quality=90, exif=exif.tobytes(), icc_profile=swapped_profile(),
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPSLatitude 65,19N</x:xmpmeta>',
    )  # fmt: skip
    return out.getvalue()


SECRETS = (
    b"Anna Andersson",
    b"SN-4711-SECRET",
    b"LENS-0815-SECRET",
    b"MAKERNOTE-SECRET",
    b"65,19N",
)


@pytest.fixture
def private_photo(newsroom_path: Path) -> Path:
    """private_camera_photo() on the desktop, beside the newsroom."""
    path = newsroom_path.parent / "IMG_4712.jpg"
    path.write_bytes(private_camera_photo())
    return path


def test_photos_the_kept_copy_loses_gps_serials_owner_and_maker_notes_but_not_its_pixels(
    invoke: Invoke, newsroom_path: Path, private_photo: Path
) -> None:
    from PIL import Image as Pillow

    source, original = private_photo, private_photo.read_bytes()
    result = invoke("photo", "set", STORY, str(source), "--alt", "Nämnden", "--no-input")
    assert result.exit_code == 0, result.stderr
    assert (
        "without its location (GPS), camera serial numbers, owner's name, maker notes, XMP; "
        "--keep-metadata keeps them" in result.stderr
    )
    kept = (newsroom_path / f"images/2021/11/{STORY}.jpg").read_bytes()
    assert not [secret for secret in SECRETS if secret in kept]
    with Pillow.open(io.BytesIO(original)) as before, Pillow.open(io.BytesIO(kept)) as after:
        exif = after.getexif()
        assert 0x8825 not in exif and 0x013B not in exif
        assert exif[0x0112] == 6 and exif[0x010F] == "Kamera AB"  # orientation, make kept
        assert exif.get_ifd(0x8769) == {0x9003: "2022:03:14 09:26:53"}  # the time kept
        assert after.info["icc_profile"] == before.info["icc_profile"]
        assert after.tobytes() == before.tobytes()  # the same decoded pixels
    # Only the metadata segments changed: the compressed scan is the original's, byte for byte.
    assert kept[kept.index(b"\xff\xda") :] == original[original.index(b"\xff\xda") :]


def test_photos_keep_metadata_copies_the_photo_as_it_came(
    invoke: Invoke, newsroom_path: Path, private_photo: Path
) -> None:
    source, original = private_photo, private_photo.read_bytes()
    result = invoke(
        "new", "Med metadata", "--date", "2022-05-02", "--image", str(source), "--alt", "A",
        "--keep-metadata", "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "without its" not in result.stderr
    assert (newsroom_path / "images/2022/05/med-metadata.jpg").read_bytes() == original
    stripped = invoke(
        "new", "Utan metadata", "--date", "2022-05-02", "--image", str(source), "--alt", "A",
        "--no-input",
    )  # fmt: skip
    assert stripped.exit_code == 0, stripped.stderr
    kept = (newsroom_path / "images/2022/05/utan-metadata.jpg").read_bytes()
    assert not [secret for secret in SECRETS if secret in kept]


def test_photos_an_imported_photo_is_kept_without_its_private_metadata(tmp_path: Path) -> None:
    import datetime as dt

    photo = inspect_photo(private_camera_photo(), "https://example.org/bild.jpg")
    placed = place_photo(tmp_path, photo, dt.datetime(2022, 5, 2, tzinfo=dt.UTC), "nyhet")
    kept = (tmp_path / placed.src).read_bytes()
    assert placed.removed and not [secret for secret in SECRETS if secret in kept]
