"""An SVG a story's body links to, made safe to publish on the site's own origin.

Opened on its own (a link, a new tab), an SVG is a document of the site: a `<script>`, an
`onload` or a `javascript:` link in it would run with the site's cookies and pages. So an SVG
is published only as `sanitised` makes it: what an allow-list of drawing elements and
attributes keeps, with no script, no event handler, no animation (which can set a link), no
foreignObject (HTML inside), and no reference to anything outside the file (only `#id`
links; raster pictures inside only as data: URLs). A file that is not an SVG document, or
cannot be read as one safely (entities, external DTDs), is not published. docs/security.md
has the rules of every other kind of file a story may link to.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from newscli.errors import NewsError
from newscli.files import write_atomic
from newscli.i18n import _
from newscli.newsroom import STATE, state_folder

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"
ET.register_namespace("", SVG)
ET.register_namespace("xlink", XLINK)

# Bump when the rules below change: every cached copy is made again.
RULES_VERSION = 1
CACHE = "svg"  # under .newscli/
# An illustration is a few hundred KB; more is not read to be checked.
MAX_SVG_BYTES = 8 * 2**20
# Drawings nest groups a few levels deep; far deeper is refused before it is walked (the
# walk and the writer recurse per level).
MAX_DEPTH = 200

# What draws: shapes, text, paint servers, clipping, masks, markers and filters. Not here, so
# dropped with everything inside: script, foreignObject, animate/set (they can set an href to
# javascript:), feImage and font-face (outside references), and every non-SVG element.
ELEMENTS = frozenset(
    """svg g defs desc title symbol use switch view a style
    path rect circle ellipse line polyline polygon image
    text tspan textPath
    linearGradient radialGradient stop pattern clipPath mask marker
    filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight
    feSpecularLighting feSpotLight feTile feTurbulence""".split()
)
_HREFS = frozenset({"href", f"{{{XLINK}}}href"})
_XML_KEPT = frozenset({f"{{{XML}}}space", f"{{{XML}}}lang"})
# A raster picture inside the drawing: shown as an image, never run.
_RASTER_DATA = re.compile(r"data:image/(?:png|jpeg|gif|webp|avif);base64,[a-z0-9+/=\s]*", re.I)
_URL = re.compile(r"url\(\s*(['\"]?)\s*(.)", re.I)
# In CSS: what fetches (@import, url() other than #id), runs (expression(), behavior,
# -moz-binding, javascript:) or hides any of those (escapes, comments).
_CSS_UNSAFE = re.compile(r"@import|expression|behavior|-moz-binding|javascript:|\\|/\*", re.I)


def _squeezed(value: str) -> str:
    """value as a URL parser reads it: no white space or controls, lower case."""
    return re.sub(r"[\x00-\x20\x7f]+", "", value).casefold()


def _safe_value(value: str) -> bool:
    """True for an attribute value (or CSS) that neither runs nor fetches anything."""
    squeezed = _squeezed(value)
    if "javascript:" in squeezed or "vbscript:" in squeezed or "data:" in squeezed:
        return False
    return all(found.group(2) == "#" for found in _URL.finditer(value))


def _safe_css(css: str) -> bool:
    return _CSS_UNSAFE.search(css) is None and _safe_value(css)


def _safe_attribute(element: str, name: str, value: str) -> bool:
    if name.startswith("{") and not name.startswith(f"{{{XLINK}}}") and name not in _XML_KEPT:
        return False  # other namespaces (an editor's own), xml:base
    local = name.rsplit("}", 1)[-1].casefold()
    if local.startswith("on"):
        return False  # an event handler
    if name in _HREFS:
        href = value.strip()
        if element == "image" and _RASTER_DATA.fullmatch(href):
            return True
        return href.startswith("#")
    if local == "style":
        return _safe_css(value)
    return _safe_value(value)


def _clean(element: ET.Element) -> bool:
    """Keep in element only what may be published; True when something was taken out."""
    removed = False
    for child in list(element):
        tag = child.tag if isinstance(child.tag, str) else ""
        namespace, _sep, local = tag[1:].partition("}")
        keep = namespace == SVG and local in ELEMENTS
        if keep and local == "style":
            keep = _safe_css("".join(child.itertext())) and len(child) == 0
        if not keep:
            _drop(element, child)
            removed = True
            continue
        removed |= _clean(child)
    local = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
    for name, value in list(element.attrib.items()):
        if not _safe_attribute(local, name, value):
            del element.attrib[name]
            removed = True
    return removed


def _drop(parent: ET.Element, child: ET.Element) -> None:
    """Take child out of parent, keeping the text that followed it."""
    if child.tail and child.tail.strip():
        at = list(parent).index(child)
        if at == 0:
            parent.text = (parent.text or "") + child.tail
        else:
            before = parent[at - 1]
            before.tail = (before.tail or "") + child.tail
    parent.remove(child)


def _depth(root: ET.Element) -> int:
    """How deep the elements under root nest (walked without recursion)."""
    deepest, todo = 0, [(root, 1)]
    while todo:
        element, depth = todo.pop()
        deepest = max(deepest, depth)
        todo.extend((child, depth + 1) for child in element)
    return deepest


def sanitised(data: bytes) -> tuple[bytes, bool]:
    """The SVG document data as it may be published, and whether anything was taken out;
    NewsError when data is not an SVG document that can be read safely."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    if len(data) > MAX_SVG_BYTES:
        raise NewsError(
            _("is larger than {size} MB, more than an SVG illustration is").format(
                size=MAX_SVG_BYTES // 2**20
            )
        )
    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise NewsError(
            _("is not an SVG document that can be read safely ({reason})").format(reason=exc)
        ) from None
    if root.tag != f"{{{SVG}}}svg":
        raise NewsError(_("is not an SVG document (its root is no <svg>)"))
    if _depth(root) > MAX_DEPTH:
        raise NewsError(
            _("is nested more than {levels} levels deep, more than a drawing is").format(
                levels=MAX_DEPTH
            )
        )
    removed = _clean(root)
    text = ET.tostring(root, encoding="unicode", xml_declaration=False)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n").encode("utf-8"), removed


def published_svg(root: Path, source: Path) -> tuple[Path, bool]:
    """The file the site publishes for the SVG at source: its sanitised copy, kept in
    .newscli/svg/ by the bytes it was made from; and whether anything was taken out.
    NewsError when it is not published (see sanitised); OSError when it cannot be read."""
    data = source.read_bytes()
    key = hashlib.sha256(f"{RULES_VERSION}:".encode() + data).hexdigest()
    folder = root / STATE / CACHE
    made = folder / f"{key}.svg"
    marked = folder / f"{key}.removed"
    if made.is_file():
        return made, marked.is_file()
    clean, removed = sanitised(data)
    state_folder(root)  # refuses a .newscli that leads out of the newsroom
    folder.mkdir(parents=True, exist_ok=True)
    if removed:  # before the copy: a copy without its mark would say nothing was taken out
        write_atomic(marked, b"", durable=False)
    write_atomic(made, clean, durable=False)
    return made, removed
