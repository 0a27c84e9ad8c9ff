"""Splitting project descriptions into passages, and making retrieved text inert.

Why these sizes: the descriptions are short factual paragraphs. A passage of ~500-900 characters
(one or two paragraphs, well below e5's 512-token window) is specific enough that the best
passage answers the question, and long enough to carry meaning. Every passage is embedded with
the project title and a short metadata line in front, so a passage that never repeats the
project's name or town still matches "Glasfaser in Bottrop". Section headings (e.g. the English
summary) start a new passage, so an English question meets a purely English passage.

Every chunk carries the project's front matter as metadata (for filters and for the result
card), and the stored text is already passed through `inert_text`: retrieved text is data.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from assistant.core.text_safety import strip_invisible
from assistant.projects.corpus import ProjectDoc
from assistant.projects.topics import topic_label

#: Part of every content hash: changing the chunking re-embeds everything on the next build.
CHUNKER_VERSION = "2"
MAX_CHARS = 900
MIN_CHARS = 500

MetadataValue = str | int | float | bool | list[str]


@dataclass(frozen=True)
class Chunk:
    """One passage with everything the store needs: id, stored text, text to embed, metadata."""

    id: str
    project_id: str
    index: int
    text: str
    embed_text: str
    metadata: dict[str, MetadataValue]


# ---------------------------------------------------------------------------------------------
# inert text

_INVISIBLE_KEEP = "\n\t"
_BLOCKS = re.compile(r"<(script|style|iframe|object|embed|template|svg|math)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^\s<>]+)>", re.I)
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>|<![^<>]*>|<\?[^<>]*>", re.S)
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
#: Alt text may span lines and hold one level of brackets ("![a [b]](url)"), as CommonMark allows.
_IMAGE = re.compile(r"!\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\s?(?:\([^)]*\)|\[[^\]\n]*\])")
_LINK = re.compile(r"\[([^\]\n]+)\]\(\s*<?([^)\s>]*)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REF_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_REF_DEF = re.compile(r"^[ ]{0,3}\[([^\]\n]+)\]:[ \t]*<?(\S+?)>?(?:[ \t]+.*)?$", re.M)


def _visible(text: str) -> str:
    """Drop control, format (zero-width, bidi override, soft hyphen) and private-use characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    return strip_invisible(text, keep=_INVISIBLE_KEEP)


def _show_url(label: str, url: str) -> str:
    url = url.replace("`", "")
    if re.match(r"^https?://", url, re.I):
        return f"{label} (`{url}`)" if label.strip() != url else f"`{url}`"
    return label  # javascript:, data:, relative targets: keep the words, drop the target


def inert_text(text: str, lang: str = "de") -> str:
    """Plain text that no Markdown/HTML renderer turns into active content.

    - invisible characters (zero-width, bidi overrides, controls) are removed first, so they
      cannot hide a tag or split a word to slip past the rules below;
    - <script>/<style>/... blocks are dropped with their content, other HTML tags are stripped,
      a leftover "<" that would open a tag becomes "‹";
    - Markdown images (inline and reference style) become "[Bild entfernt: alt]", so a rendered
      answer never makes the browser fetch an outside URL (zero-click exfiltration);
    - Markdown links become their text plus the http(s) URL as inline code; other schemes
      (javascript:, data:) lose their target; reference definitions are shown as code.
    Instructions in the text stay as words: they are data, and the caller shows them as a quote.
    """
    removed = "Bild entfernt" if lang == "de" else "image removed"
    result = _visible(unicodedata.normalize("NFC", text))
    for _ in range(5):  # nested constructs such as "<scr<b>ipt>" need another pass
        before = result
        result = _BLOCKS.sub("", result)
        result = _AUTOLINK.sub(lambda m: f"`{m.group(1).replace('`', '')}`", result)
        result = _TAG.sub("", result)
        if result == before:
            break
    result = _TAG_START.sub("‹", result)
    result = _IMAGE.sub(lambda m: f"[{removed}: {' '.join(m.group(1).split())}]" if m.group(1).strip()
                        else f"[{removed}]", result)
    result = result.replace("![", "! [")  # whatever image syntax is left (deeper nesting) cannot start an image
    result = _LINK.sub(lambda m: _show_url(m.group(1), m.group(2)), result)
    result = _REF_LINK.sub(lambda m: m.group(1), result)
    result = _REF_DEF.sub(lambda m: f"{m.group(1)}: `{m.group(2).replace('`', '')}`", result)
    return result.strip()


# ---------------------------------------------------------------------------------------------
# chunking


def content_hash(doc: ProjectDoc, embedder_name: str) -> str:
    """Identity of a file's index state: its bytes, the embedder and the chunker version."""
    return hashlib.sha256(f"{doc.sha256}\0{embedder_name}\0{CHUNKER_VERSION}".encode()).hexdigest()


def _sections(body: str) -> list[list[str]]:
    """Paragraphs grouped by Markdown headings; a heading becomes the first line of its paragraph."""
    sections: list[list[str]] = [[]]
    heading: str | None = None
    for block in re.split(r"\n\s*\n", body.strip()):
        lines = block.strip().splitlines()
        if not lines:
            continue
        if re.match(r"^#{1,6}\s", lines[0]):
            if sections[-1]:
                sections.append([])
            heading = re.sub(r"^#{1,6}\s+", "", lines[0]).strip()
            lines = lines[1:]
            if not lines:
                continue
        paragraph = "\n".join(lines).strip()
        if heading:
            paragraph, heading = f"{heading}: {paragraph}", None
        sections[-1].append(paragraph)
    if heading:
        sections[-1].append(heading)
    return [s for s in sections if s]


def _split_long(paragraph: str, max_chars: int) -> list[str]:
    """Break an over-long paragraph at sentence ends (then at spaces) into pieces <= max_chars."""
    sentences = re.split(r"(?<=[.!?;:])\s+(?=[\"„(A-ZÄÖÜ0-9])", paragraph)
    pieces: list[str] = []
    for sentence in sentences:
        rest = sentence
        while len(rest) > max_chars:
            cut = rest.rfind(" ", 0, max_chars)
            cut = cut if cut > max_chars // 2 else max_chars
            pieces.append(rest[:cut].strip())
            rest = rest[cut:].strip()
        if rest:
            pieces.append(rest)
    return pieces


def split_passages(body: str, max_chars: int = MAX_CHARS, min_chars: int = MIN_CHARS) -> list[str]:
    """Pack paragraphs into passages of at most max_chars, never across a section heading.

    A short tail (< min_chars / 2) is folded into the previous passage when the result stays
    within 1.25 * max_chars, so no passage is a lone sentence without context.
    """
    passages: list[str] = []
    for section in _sections(body):
        units: list[str] = []
        for paragraph in section:
            units.extend([paragraph] if len(paragraph) <= max_chars else _split_long(paragraph, max_chars))
        current = ""
        section_passages: list[str] = []
        for unit in units:
            if current and len(current) + 2 + len(unit) > max_chars:
                section_passages.append(current)
                current = unit
            else:
                current = f"{current}\n\n{unit}" if current else unit
        if current:
            if (
                section_passages and len(current) < min_chars // 2
                and len(section_passages[-1]) + 2 + len(current) <= int(max_chars * 1.25)
            ):
                section_passages[-1] = f"{section_passages[-1]}\n\n{current}"
            else:
                section_passages.append(current)
        passages.extend(section_passages)
    return passages


def chunk_metadata(doc: ProjectDoc, kreis_of: Mapping[str, str], file_hash: str) -> dict[str, MetadataValue]:
    """Front matter flattened for Chroma: joined strings for display, lists for `$contains` filters.

    Chroma rejects empty lists, so a list key is only present when it has members (region-wide
    projects have no `municipality_list`).
    """
    candidates = [doc.kreis or "", *(kreis_of.get(m, "") for m in doc.municipalities)]
    kreise = sorted({k for k in candidates if k})
    meta: dict[str, MetadataValue] = {
        "project_id": doc.id,
        "title": doc.title,
        "aliases": "|".join(doc.aliases),
        "municipalities": "|".join(doc.municipalities),
        "kreis": "|".join(kreise),
        "topics": "|".join(doc.topics),
        "status": doc.status,
        "scope": doc.scope,
        "verified": doc.verified,
        "source_file": doc.file,
        "content_hash": file_hash,
        "chunker": CHUNKER_VERSION,
        "card": json.dumps(doc.card(), ensure_ascii=False),
        "topic_list": list(doc.topics),
    }
    if doc.municipalities:
        meta["municipality_list"] = list(doc.municipalities)
    if kreise:
        meta["kreis_list"] = kreise
    return meta


def _split_field(value: Any) -> list[str]:
    return [part for part in str(value or "").split("|") if part]


def context_line(metadata: Mapping[str, Any], lang: str = "de") -> str:
    """The short line put in front of every passage: where, what topic, which status."""
    region = "Ruhrgebiet (regionweit)" if lang == "de" else "Ruhr region (region-wide)"
    places = _split_field(metadata.get("municipalities")) or [region]
    kreise = [k for k in _split_field(metadata.get("kreis")) if k not in places]
    topics = [topic_label(t, lang) for t in _split_field(metadata.get("topics"))]
    where = ", ".join(places + kreise)
    if lang == "de":
        return f"Ort: {where}. Themen: {'; '.join(topics)}."
    return f"Place: {where}. Topics: {'; '.join(topics)}."


def embed_text(metadata: Mapping[str, Any], passage: str) -> str:
    """What the dense model sees: title, context line, passage."""
    return f"{metadata.get('title', '')}\n{context_line(metadata)}\n\n{passage}"


def keyword_text(metadata: Mapping[str, Any], passage: str) -> str:
    """What BM25 sees: the embedded text plus English topic labels, the raw topic ids, the slug and
    the project's aliases, so that English keywords ("broadband"), exact ids ("luft-hub") and the
    names people use ("KDN", "Rhinecloud") also match."""
    topics = _split_field(metadata.get("topics"))
    extra = " ".join([*(topic_label(t, "en") for t in topics), *topics, str(metadata.get("project_id", "")),
                      *_split_field(metadata.get("aliases"))])
    return f"{embed_text(metadata, passage)}\n{extra}"


def chunk_project(
    doc: ProjectDoc, kreis_of: Mapping[str, str], embedder_name: str, *,
    max_chars: int = MAX_CHARS, min_chars: int = MIN_CHARS,
) -> list[Chunk]:
    """All passages of one project; ids contain the content hash so a new version never collides
    with the old one while both exist during an incremental update."""
    file_hash = content_hash(doc, embedder_name)
    metadata = chunk_metadata(doc, kreis_of, file_hash)
    body = doc.body
    if doc.reusable:
        body += f"\n\n## Übertragbarkeit\n\n{doc.reusable}"
    chunks: list[Chunk] = []
    for index, passage in enumerate(split_passages(inert_text(body), max_chars, min_chars)):
        meta = {**metadata, "chunk_index": index}
        chunks.append(
            Chunk(
                id=f"{doc.id}#{file_hash[:12]}#{index:03d}", project_id=doc.id, index=index, text=passage,
                embed_text=embed_text(meta, passage), metadata=meta,
            )
        )
    return chunks
