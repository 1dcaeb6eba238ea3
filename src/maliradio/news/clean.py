"""Make article HTML safe and readable offline.

- `sanitize`: nh3 allowlist (no scripts, iframes, forms, event handlers, styles, javascript: links).
- `prepare_html`: sanitize, make links absolute, drop tracking pixels, list the images to download.
- `localize_images`: point every image at the local cache (`cache:NAME`); an image that could
  not be cached is removed, so nothing is ever loaded from the network at display time. A
  picture left for later (`Later`: not the lead one, or too big, or data saver) is kept as
  `later:URL`, which `display_html` shows as « Afficher l'image (120 Ko) » (pictures.py).
- `paragraph_keys` / `strip_boilerplate`: the paragraphs a source repeats in many articles
  (share prompts, "suivez-nous", footers) are recognised by hash and dropped.
- `extract_main`: main text of a web page (readability-lxml, imported only when needed).

lxml is imported lazily: these functions run during a refresh, never at startup.
"""

from __future__ import annotations

import hashlib
import html as htmlmod
import re
import struct
import threading
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import nh3

CACHE_PREFIX = "cache:"
# A picture not downloaded with the article: its address after this, its size in bytes (when
# known) in `data-size`; the reader shows a link to fetch it, `PICTURE_SCHEME:NAME`.
LATER_PREFIX = "later:"
PICTURE_SCHEME = "maliradio-image"


@dataclass(frozen=True)
class Later:
    """What `cache_image` answers for a picture left for the reader to ask for."""

    size: int | None = None  # bytes, when known (a Content-Length seen, an enclosure length)


ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div",
    "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
# Removed together with everything inside them (their content is no article text).
DROP_WITH_CONTENT = {
    "script", "style", "iframe", "noscript", "object", "embed", "form", "button", "select",
    "textarea", "template", "svg", "math", "video", "audio", "canvas", "head", "title",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    # data-* lazy-loading attributes are kept only until `prepare_html` promotes them to src.
    "img": {"src", "alt", "title", "width", "height", "data-src", "data-lazy-src", "data-original"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}

BLOCK_TAGS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "dt",
    "dd", "td", "th", "caption", "figure", "div", "ul", "ol", "dl", "table", "tr", "hr",
}  # fmt: skip
LEAF_CANDIDATES = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption", "dt", "dd",
    "td", "th", "caption", "figure", "div",
}  # fmt: skip

MAX_IMAGES_PER_ARTICLE = 12

_WORD = re.compile(r"\w+")
_BLANK_LINES = re.compile(r"\n{3,}")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_LEADING_NUMBER = re.compile(r"\s*(\d+)")


def absolute_url(base: str, ref: str) -> str:
    """`urljoin(base, ref)`, without parsing the two URLs when `ref` is already an absolute
    web address (most links in a feed are): a refresh resolves thousands of them."""
    if (
        ref.startswith(("https://", "http://"))
        and not ref.startswith(("https:///", "http:///"))
        and "[" not in ref  # an IPv6 address: urljoin checks it
        and "\t" not in ref
        and "\n" not in ref
        and "\r" not in ref
        and not ref.endswith(("?", "#"))
    ):
        return ref
    return urljoin(base, ref)


_sanitizer: nh3.Cleaner | None = None


def sanitize(html: str) -> str:
    """The allowlist pass: safe to show whatever came in."""
    global _sanitizer
    if not html:
        return ""
    if _sanitizer is None:  # built once: half the cost of `nh3.clean` with its options
        _sanitizer = nh3.Cleaner(
            tags=ALLOWED_TAGS,
            clean_content_tags=DROP_WITH_CONTENT,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            strip_comments=True,
            link_rel="noopener noreferrer",
        )
    return _sanitizer.clean(html)


def escape_text(text: str) -> str:
    """Plain text (e.g. a text/plain summary) as HTML paragraphs."""
    parts = [p.strip() for p in _PARAGRAPH_BREAK.split(text or "") if p.strip()]
    return "".join(f"<p>{htmlmod.escape(p)}</p>" for p in parts)


# --- lxml helpers -------------------------------------------------------------------------


_parsers = threading.local()  # an lxml parser is not for two threads at once
_FULL_DOCUMENT = re.compile(r"\s*<(?:html|!doctype)", re.I)


def _parse_fragment(html: str) -> Any:
    """The fragment's elements in a <div> (no parent), as `lxml.html.fragment_fromstring(html,
    create_parent="div")` gives them, parsed the short way: inside a document of our own."""
    import lxml.etree

    if html and not _FULL_DOCUMENT.match(html):
        parser = getattr(_parsers, "html", None)
        if parser is None:
            # lxml.etree's parser, not lxml.html's: that one asks Python for the class of
            # each element it hands out (18,000 calls for 600 articles); `_text` and `_drop`
            # stand in for the two HtmlElement methods used here.
            parser = _parsers.html = lxml.etree.HTMLParser()
        try:
            doc = lxml.etree.fromstring(f"<html><body><div>{html}</div></body></html>", parser)
        except (lxml.etree.LxmlError, ValueError):
            doc = None
        # A stray end tag in `html` can close our <div>: the long way then.
        if doc is not None and len(doc) == 1 and not doc.text:
            body = doc[0]
            if body.tag == "body" and len(body) == 1 and not body.text and not body[0].tail:
                root = body[0]
                body.remove(root)
                if root.text and not root.text.strip():
                    root.text = None  # (leading blanks are not kept)
                return root
    import lxml.html  # (the long way only, rarely needed)

    return lxml.html.fragment_fromstring(html or "", create_parent="div")


def _text(el: Any) -> str:
    """All the text inside `el` (`HtmlElement.text_content`)."""
    if not len(el):  # no child: its own text (most paragraphs; a third of the time)
        return str(el.text or "")
    import lxml.etree

    return str(lxml.etree.tostring(el, method="text", encoding="unicode", with_tail=False))


def _drop(el: Any) -> None:
    """Remove `el` and what it holds, keeping its tail text (`HtmlElement.drop_tree`)."""
    parent = el.getparent()
    if el.tail:
        before = el.getprevious()
        if before is None:
            parent.text = (parent.text or "") + el.tail
        else:
            before.tail = (before.tail or "") + el.tail
    parent.remove(el)


def _serialize(root: Any) -> str:
    """What the fragment's <div> holds, as HTML: one call for the whole tree (one per element
    costs several times as much)."""
    import lxml.etree

    html = str(lxml.etree.tostring(root, encoding="unicode", method="html", with_tail=False))
    return html[html.index(">") + 1 : html.rindex("</")].strip()


def _is_pixel(img: Any) -> bool:
    def num(name: str) -> int | None:
        m = _LEADING_NUMBER.match(img.get(name) or "")
        return int(m.group(1)) if m else None

    w, h = num("width"), num("height")
    return w is not None and h is not None and w <= 2 and h <= 2


def _paragraphize(root: Any) -> None:
    """Wrap runs of bare text and inline elements at top level into <p>, so every piece of text
    sits in a block that boilerplate detection can see."""
    import lxml.etree

    def is_block(el: Any) -> bool:
        return isinstance(el.tag, str) and el.tag in BLOCK_TAGS

    children = list(root)
    if not (root.text and root.text.strip()) and all(
        is_block(c) and not (c.tail and c.tail.strip()) for c in children
    ):
        return
    new_children: list[Any] = []
    run: Any = None

    def flush() -> None:
        nonlocal run
        if run is not None and (_text(run).strip() or run.find(".//img") is not None):
            new_children.append(run)
        run = None

    def add_text(text: str | None) -> None:
        nonlocal run
        if not text:
            return
        if run is None:
            run = lxml.etree.Element("p")
        if len(run):
            last = run[-1]
            last.tail = (last.tail or "") + text
        else:
            run.text = (run.text or "") + text

    add_text(root.text)
    root.text = None
    for child in children:
        tail = child.tail
        child.tail = None
        root.remove(child)
        if is_block(child) or child.tag == "br":
            if child.tag == "br" and run is not None:
                # a double <br> ends the paragraph; a single one stays inside it
                run.append(child)
            else:
                flush()
                if child.tag != "br":
                    new_children.append(child)
        else:
            if run is None:
                run = lxml.etree.Element("p")
            run.append(child)
        add_text(tail)
    flush()
    for c in new_children:
        root.append(c)


def _is_web(url: str) -> bool:
    """Whether `url` (as `absolute_url` returns it) is an http(s) address."""
    if url.startswith(("https://", "http://")):
        return True
    return urlsplit(url).scheme in ("http", "https")


def _prepare_tree(
    root: Any, base_url: str, title: str, pictures: bool = True, links: bool = True
) -> list[str]:
    """In place: absolute links and images, no tracking pixels or lazy-load stubs, bare text
    in paragraphs, no leading heading repeating the title. Returns the image URLs.
    `pictures` / `links` False: the fragment is known to have none (no search for them)."""
    images: list[str] = []
    for img in list(root.iter("img")) if pictures else ():
        src = img.get("src") or ""
        for lazy in ("data-src", "data-lazy-src", "data-original"):
            if img.get(lazy) and (not src or src.startswith("data:")):
                src = img.get(lazy) or ""
            img.attrib.pop(lazy, None)
        src = src.strip()
        url = absolute_url(base_url, src) if src else ""
        if not url or not _is_web(url) or _is_pixel(img):
            _drop(img)
            continue
        img.set("src", url)
        if url not in images:
            images.append(url)
    for a in root.iter("a") if links else ():
        href = (a.get("href") or "").strip()
        if href:
            url = absolute_url(base_url, href)
            if _is_web(url) or urlsplit(url).scheme in URL_SCHEMES:
                a.set("href", url)
            else:
                a.attrib.pop("href", None)
    _paragraphize(root)
    if title and len(root):
        first = root[0]
        if (
            isinstance(first.tag, str)
            and first.tag in ("h1", "h2", "h3")
            and _norm(_text(first)) == _norm(title)
        ):
            _drop(first)
    return images[:MAX_IMAGES_PER_ARTICLE]


def prepare_html(html: str, base_url: str, title: str = "") -> tuple[str, list[str]]:
    """Sanitize, make links and images absolute, drop tracking pixels and lazy-load stubs,
    remove a leading heading that repeats the title. Returns (html, image URLs to download)."""
    clean = sanitize(html)
    if not clean.strip():
        return "", []
    root = _parse_fragment(clean)
    images = _prepare_tree(root, base_url, title)
    return _serialize(root), images


class ArticleTree:
    """One entry cleaned on a single parse (`prepare_tree`): its stored HTML (`raw`, images
    local, boilerplate NOT removed) and paragraph keys, then, from the same tree, its plain
    text (`raw_text`) or the text of its reading form for a boilerplate set (`reading_text`),
    with no parsing again. The tree is consumed by the first of those two calls that changes
    it."""

    def __init__(
        self,
        raw: str,
        keys: list[str],
        root: Any,
        leaves: list[tuple[Any, str]],
        title: str,
        flat: list[tuple[Any, str]] | None = None,
    ) -> None:
        self.raw = raw
        self.keys = keys
        self.title = title
        self._root = root
        self._leaves = leaves  # (leaf block, its key), for the leaves that have one
        # A flat article (`_flat_blocks`): each top-level block and its text. Its plain text is
        # laid out from these, without a walk over the tree.
        self._flat = flat
        self._text: str | None = None
        self._used = False  # the tree was changed: text and reading form come from `raw`

    def raw_text(self) -> str:
        """Plain text of `raw`."""
        if self._text is None:
            if self._root is None:
                self._text = ""
            elif self._flat is not None:
                self._text = _blocks_text([t for _el, t in self._flat])
            elif self._used:
                self._text = html_to_text(self.raw)
            else:
                self._text = _tree_text(self._root)
                self._used = True
        return self._text

    def reading_text(self, boilerplate: set[str] | frozenset[str]) -> str:
        """The text of `clean_for_reading(raw, ..., boilerplate)` (what the search indexes),
        without parsing `raw` again nor writing out HTML: the reader makes that when the
        article is opened."""
        drop = [el for el, key in self._leaves if key in boilerplate]
        if not drop:
            return self.raw_text()
        if self._flat is not None:
            gone = set(drop)  # whole blocks, each with its text: the tree stays as it is
            text = _blocks_text([t for el, t in self._flat if el not in gone])
        elif self._used:
            return reading_text(self.raw, self._text, self.keys, set(boilerplate), self.title)
        else:
            self._used = True
            for el in drop:
                _drop(el)
            _drop_empty_blocks(self._root)
            text = _tree_text(self._root)
        # every paragraph looks like boilerplate: the article is shown whole (clean_for_reading)
        return text if text.strip() else self.raw_text()


def prepare_tree(
    html: str, base_url: str, title: str, cache_image: Callable[[str], str | Later | None]
) -> ArticleTree:
    """The whole cleaning of one entry on a single parse: `prepare_html`, then each picture,
    in the order of the article, through `cache_image(url) -> cache name, Later or None`
    (`localize_images`), then the paragraph keys (`paragraph_keys`)."""
    clean = sanitize(html)
    if not clean.strip():
        return ArticleTree("", [], None, [], title)
    root = _parse_fragment(clean)
    # (the sanitizer writes its tags in lower case)
    pictures = "<img" in clean
    images = _prepare_tree(root, base_url, title, pictures, "<a" in clean)
    if images or (pictures and root.find(".//img") is not None):
        _localize_tree(root, {url: cache_image(url) for url in images})
    out = _serialize(root)
    title_norm = _norm(title)
    leaves: list[tuple[Any, str]] = []
    keys: list[str] = []
    flat = _flat_blocks(root)
    if flat is not None:
        norms = _norms([text for _el, text in flat])
        blocks = [(el, _norm_key(n, title_norm)) for (el, _t), n in zip(flat, norms, strict=True)]
    else:
        blocks = [(el, _block_key(el, title_norm)) for el in _leaf_blocks(root)]
    for el, k in blocks:
        if k:
            leaves.append((el, k))
            if k not in keys:
                keys.append(k)
    return ArticleTree(out, keys, root, leaves, title, flat)


def prepare_article(
    html: str, base_url: str, title: str, cache_image: Callable[[str], str | None]
) -> tuple[str, list[str], str]:
    """`prepare_tree`, as (stored html, paragraph keys, plain text)."""
    tree = prepare_tree(html, base_url, title, cache_image)
    return tree.raw, tree.keys, tree.raw_text()


def localize_images(html: str, cached: Mapping[str, str | Later | None]) -> str:
    """Replace each remote image by its cache name (or a placeholder for `Later`); remove
    images that are neither."""
    if "<img" not in html:
        return html
    root = _parse_fragment(html)
    _localize_tree(root, cached)
    return _serialize(root)


def _localize_tree(root: Any, cached: Mapping[str, str | Later | None]) -> None:
    """Point each picture at its cache name, or mark it for later; drop the others (no remote
    load at display time), then the blocks they leave empty."""
    for img in list(root.iter("img")):
        src = img.get("src") or ""
        name = cached.get(src)
        if isinstance(name, Later):
            img.set("src", LATER_PREFIX + src)
            if name.size:
                img.set("data-size", str(name.size))
        elif name:
            img.set("src", CACHE_PREFIX + name)
        else:
            _drop(img)
    _drop_empty_blocks(root)


def _drop_empty_blocks(root: Any) -> None:
    for el in list(root.iter()):
        if (
            el is not root
            and isinstance(el.tag, str)
            and el.tag in BLOCK_TAGS
            and el.tag != "hr"
            and not _text(el).strip()
            and el.find(".//img") is None
        ):
            _drop(el)


# --- boilerplate ----------------------------------------------------------------------------


def _norm(text: str) -> str:
    """Words only (runs of \\w), NFKC, casefolded, one space apart."""
    words: list[str] = []
    for token in unicodedata.normalize("NFKC", text or "").casefold().split():
        if token.isalnum():  # one word: the common case, without the regex
            words.append(token)
        else:
            words.extend(_WORD.findall(token))
    return " ".join(words)


# ASCII characters that no word holds (all but letters, digits and "_"), the usual spacing and
# the punctuation French news uses most: `_norms` turns them into spaces.
_SPLITTERS = tuple(c for c in map(chr, range(33, 127)) if not (c.isalnum() or c == "_")) + (
    "\n",
    "\t",
    "\r",
    "\u2019",
    "\u00ab",
    "\u00bb",
    "\u2013",
    "\u2014",
    "\u201c",
    "\u201d",
    "\u2022",
)


def _norms(texts: list[str]) -> list[str]:
    """`_norm` of each of `texts` (an article's paragraphs) in a few passes over all of them,
    with no Python step nor string per word (a third of `_norm`'s time): normalized and
    casefolded together (a NUL between two texts keeps them apart), the usual punctuation and
    spacing turned into spaces, runs of spaces made one. That gives `_norm`'s words exactly
    when all that is left between the spaces is letters and digits (one check over all of
    them); else (an "_", rarer punctuation or spaces), `_norm` itself for each."""
    joined = unicodedata.normalize("NFKC", "\x00".join(texts)).casefold()
    for c in _SPLITTERS:
        if c in joined:
            joined = joined.replace(c, " ")
    if not joined.replace(" ", "").replace("\x00", "").isalnum() and joined.strip(" \x00"):
        return [_norm(t) for t in texts]
    while "  " in joined:
        joined = joined.replace("  ", " ")
    parts = joined.split("\x00")
    if len(parts) != len(texts):
        return [_norm(t) for t in texts]
    return [p.strip(" ") for p in parts]


def _leaf_blocks(root: Any) -> list[Any]:
    leaves = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag not in LEAF_CANDIDATES:
            continue
        if any(isinstance(d.tag, str) and d.tag in LEAF_CANDIDATES for d in el.iterdescendants()):
            continue
        leaves.append(el)
    return leaves


# Inside a top-level block of a flat article there is none of these.
_NOT_INLINE = LEAF_CANDIDATES | BLOCK_TAGS | {"br", "img"}


def _flat_blocks(root: Any) -> list[tuple[Any, str]] | None:
    """(block, its text) for each top-level element when the article is flat, as most are: a
    row of paragraphs and headings, each a leaf block with text in it and inline markup only,
    no text between them. Those blocks are its leaves, and nothing else can become empty.
    None for any other article."""
    if root.text and root.text.strip():
        return None
    for el in root.iterdescendants():
        tag = el.tag
        if not isinstance(tag, str) or (tag in _NOT_INLINE and el.getparent() is not root):
            return None
    out = []
    for el in root:
        if (
            el.tag not in LEAF_CANDIDATES
            or el.tag == "li"  # (laid out with a bullet)
            or (el.tail and el.tail.strip())
        ):
            return None
        text = _text(el)
        if not text.strip():
            return None
        out.append((el, text))
    return out or None


def _block_key(el: Any, title_norm: str) -> str | None:
    key = _text_key(_text(el), title_norm)
    if key:
        return key
    srcs = [img.get("src") or "" for img in el.iter("img")]
    if srcs:
        return hashlib.sha1(("img:" + "|".join(srcs)).encode()).hexdigest()[:16]
    return None


def _text_key(text: str, title_norm: str) -> str | None:
    """A paragraph's key from its text; None when it has no words."""
    return _norm_key(_norm(text), title_norm)


def _norm_key(text: str, title_norm: str) -> str | None:
    """`_text_key` of a text already through `_norm`."""
    if len(title_norm) >= 4 and title_norm in text:
        # "L'article <titre> est apparu en premier sur <site>" is the same line for every article
        text = " ".join(text.replace(title_norm, " ").split())
    return hashlib.sha1(text.encode()).hexdigest()[:16] if text else None


def paragraph_keys(html: str, title: str = "") -> list[str]:
    """Hashes of the article's normalized paragraphs (distinct, in order)."""
    if not html:
        return []
    return _tree_keys(_parse_fragment(html), title)


def _tree_keys(root: Any, title: str) -> list[str]:
    """Distinct paragraph keys of a parsed fragment, in order."""
    title_norm = _norm(title)
    keys: list[str] = []
    for el in _leaf_blocks(root):
        k = _block_key(el, title_norm)
        if k and k not in keys:
            keys.append(k)
    return keys


def _strip(root: Any, boilerplate: set[str], title: str) -> bool:
    """Drop the paragraphs whose key is in `boilerplate`, then blocks left empty (in place).
    Returns whether anything was dropped."""
    title_norm = _norm(title)
    drop = [el for el in _leaf_blocks(root) if _block_key(el, title_norm) in boilerplate]
    for el in drop:
        _drop(el)
    if drop:
        _drop_empty_blocks(root)
    return bool(drop)


def strip_boilerplate(html: str, boilerplate: Iterable[str], title: str = "") -> str:
    """Drop the paragraphs whose key is in `boilerplate`, then blocks left empty."""
    bp = set(boilerplate)
    if not html or not bp:
        return html
    root = _parse_fragment(html)
    return _serialize(root) if _strip(root, bp, title) else html


# --- text --------------------------------------------------------------------------------


def _tree_text(root: Any) -> str:
    """Plain text of a parsed fragment: one blank line between blocks (modifies the tree)."""
    import lxml.etree

    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "br":
            el.tail = "\n" + (el.tail or "")
        elif el.tag == "li":
            el.text = "• " + (el.text or "")
            el.tail = "\n" + (el.tail or "")
        elif el.tag in BLOCK_TAGS:
            el.tail = "\n\n" + (el.tail or "")
    return _layout_text(
        (lxml.etree.tostring(root, method="text", encoding="unicode", with_tail=False),)
    )


def _blocks_text(texts: list[str]) -> str:
    """`_layout_text(t + "\\n\\n" for t in texts)` for the texts of blocks that each hold
    some text: when none has a line break, each is one line of its words."""
    if any("\n" in t for t in texts):
        return _layout_text(t + "\n\n" for t in texts)
    return "\n\n".join(" ".join(t.split()) for t in texts)


def _layout_text(parts: Iterable[str]) -> str:
    """The text of `parts` with its spaces collapsed, at most one blank line in a row."""
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    """Readable plain text: one blank line between blocks."""
    if not html:
        return ""
    return _tree_text(_parse_fragment(html))


def analyze(html: str, title: str = "") -> tuple[list[str], str]:
    """(paragraph keys, plain text) of stored HTML, from one parse."""
    if not html:
        return [], ""
    root = _parse_fragment(html)
    return _tree_keys(root, title), _tree_text(root)


def clean_for_reading(
    raw_html: str, text: str | None, keys: Iterable[str], boilerplate: set[str], title: str = ""
) -> tuple[str, str]:
    """(html, text) to show and index: boilerplate paragraphs removed. Cheap when the article
    has none of them (the common case): no parsing at all when `text` is known."""
    return _reading(raw_html, text, keys, boilerplate, title, True)


def reading_text(
    raw_html: str, text: str | None, keys: Iterable[str], boilerplate: set[str], title: str = ""
) -> str:
    """The text of `clean_for_reading(...)`, without writing out its HTML."""
    return _reading(raw_html, text, keys, boilerplate, title, False)[1]


def _reading(
    raw_html: str,
    text: str | None,
    keys: Iterable[str],
    boilerplate: set[str],
    title: str,
    with_html: bool,
) -> tuple[str, str]:
    if boilerplate and raw_html and not boilerplate.isdisjoint(keys):
        root = _parse_fragment(raw_html)  # one parse: stripped html and its text
        if _strip(root, boilerplate, title):
            html = _serialize(root) if with_html else ""
            stripped = _tree_text(root)
        else:
            html, stripped = raw_html, text if text is not None else _tree_text(root)
        if stripped.strip():
            return html, stripped
        # every paragraph looks like boilerplate (short items that all say the same thing):
        # showing the article whole beats showing nothing
    return raw_html, text if text is not None else html_to_text(raw_html)


def text_length(html: str) -> int:
    return len(html_to_text(html))


# --- full article ------------------------------------------------------------------------


def extract_main(page: bytes | str, url: str) -> str | None:
    """The main content of an article page as HTML (unsanitized: pass it to `prepare_html`),
    or None when nothing article-like was found. readability-lxml is imported here only."""
    try:
        from readability import Document  # readability-lxml
    except ImportError:  # pragma: no cover - optional at runtime
        return None
    try:
        doc = Document(page, url=url)
        content = doc.summary(html_partial=True)
    except Exception:  # noqa: BLE001 - a page we cannot read is not an article
        return None
    if not isinstance(content, str) or text_length(sanitize(content)) < 150:
        return None
    return content


# --- images -------------------------------------------------------------------------------

_EXT_BY_TYPE = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/svg+xml": ".svg",
    "image/avif": ".avif",
}


def image_name(url: str, content_type: str = "") -> str:
    digest = hashlib.sha1(url.encode()).hexdigest()[:32]
    ext = _EXT_BY_TYPE.get(content_type.split(";")[0].strip().lower(), "")
    if not ext:
        m = re.search(r"\.(jpe?g|png|gif|webp)$", urlsplit(url).path, re.I)
        ext = "." + m.group(1).lower().replace("jpeg", "jpg") if m else ".img"
    return digest + ext


def image_dimensions(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG, read from its header; None if unknown."""
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            w, h = struct.unpack(">II", data[16:24])
            return int(w), int(h)
        if data[:6] in (b"GIF87a", b"GIF89a"):
            w, h = struct.unpack("<HH", data[6:10])
            return int(w), int(h)
        if data[:2] == b"\xff\xd8":
            i = 2
            while i + 9 < len(data):
                if data[i] != 0xFF:
                    i += 1
                    continue
                marker = data[i + 1]
                if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD):
                    h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                    return int(w), int(h)
                if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                    i += 2
                    continue
                (seglen,) = struct.unpack(">H", data[i + 2 : i + 4])
                i += 2 + seglen
    except struct.error:
        return None
    return None


def display_html(
    html: str,
    cache_dir: Path,
    max_width: int | None = None,
    placeholder: Callable[[int | None], str] | None = None,
) -> str:
    """Stored HTML with `cache:NAME` images turned into file URLs of the image cache.
    Images missing from the cache are dropped; with `max_width`, wide ones are scaled down
    (for QTextBrowser, which knows no CSS max-width). A picture left for later is shown from
    the cache once it is there (asked for since), else as a link `maliradio-image:NAME` whose
    text is `placeholder(its size in bytes, or None)`: « Afficher l'image (120 Ko) »."""
    base = cache_dir.resolve().as_uri().rstrip("/") + "/"
    label = placeholder or placeholder_text

    def cached(tag: str, name: str) -> str:
        path = cache_dir / name
        if "/" in name or not path.is_file():
            return ""
        tag = re.sub(r'\s(width|height|data-size)="[^"]*"', "", tag)
        if max_width:
            try:
                with path.open("rb") as fh:
                    dims = image_dimensions(fh.read(65536))
            except OSError:
                dims = None
            width = min(dims[0], max_width) if dims else max_width
            tag = tag.replace("<img", f'<img width="{width}"', 1)
        return tag.replace(f'src="{CACHE_PREFIX}', f'src="{base}', 1)

    def fix(m: re.Match[str]) -> str:
        tag, kind, ref = m.group(0), m.group(1), m.group(2)
        if kind + ":" == CACHE_PREFIX:
            return cached(tag, ref)
        name = image_name(htmlmod.unescape(ref))
        if (cache_dir / name).is_file():
            tag = tag.replace(f'src="{LATER_PREFIX}{ref}"', f'src="{CACHE_PREFIX}{name}"', 1)
            return cached(tag, name)
        text = htmlmod.escape(label(_size_attr(tag)), quote=False)
        return f'<a href="{PICTURE_SCHEME}:{name}">{text}</a>'

    return _SHOWN_IMG.sub(fix, html)


_SHOWN_IMG = re.compile(
    r'<img\b[^>]*\bsrc="(' + CACHE_PREFIX[:-1] + "|" + LATER_PREFIX[:-1] + r'):([^"]+)"[^>]*>'
)
_LATER_IMG = re.compile(r'<img\b[^>]*\bsrc="' + re.escape(LATER_PREFIX) + r'([^"]+)"[^>]*>')
_SIZE_ATTR = re.compile(r'\sdata-size="(\d{1,12})"')


def _size_attr(tag: str) -> int | None:
    m = _SIZE_ATTR.search(tag)
    return (int(m.group(1)) or None) if m else None


def size_text(nbytes: int) -> str:
    """« 120 Ko », « 1,2 Mo »: decimal, as phone plans count."""
    if nbytes < 999_500:
        return f"{max(1, round(nbytes / 1000))} Ko"
    return f"{nbytes / 1e6:.1f} Mo".replace(".", ",")


def placeholder_text(size: int | None) -> str:
    """The placeholder of a picture left for later (the window translates its own)."""
    return f"Afficher l'image ({size_text(size)})" if size else "Afficher l'image"


def later_images(html: str) -> dict[str, tuple[str, int | None]]:
    """The pictures left for later in stored HTML: {cache name: (address, size or None)}, the
    name being what the placeholder's link says (`maliradio-image:NAME`)."""
    out: dict[str, tuple[str, int | None]] = {}
    for m in _LATER_IMG.finditer(html or ""):
        url = htmlmod.unescape(m.group(1))
        out.setdefault(image_name(url), (url, _size_attr(m.group(0))))
    return out


def cache_names(html: str) -> list[str]:
    return re.findall(r'src="' + re.escape(CACHE_PREFIX) + r'([^"]+)"', html or "")


def open_in_browser_allowed(url: str) -> bool:
    """Only http and https links are opened in the system browser."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)
