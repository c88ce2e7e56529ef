"""Read the seed reports and clean them into structured blocks of text.

A Block is one heading, paragraph or bullet with where it sits: report year,
chapter, section, subsection and case study. The seeds stay as published;
all cleaning happens here:
- 2023-24: markdown and tag remnants, page numbers, footnotes, paragraphs cut
  by page breaks; headings come from the report's own Contents page.
- 2024-25: the file holds an OCR copy and a tagged copy. The tagged copy is
  cleaner (real bullets, no "e "/"¢" bullets or "| am"), so it is the
  skeleton; but it cuts lines at about 512 characters, so a cut paragraph is
  completed from the OCR copy, with the OCR artefacts cleaned.
- Any other report dropped into the seeds folder: `clean_generic`, which reads
  plain text or markdown (headings, paragraphs, bullets) and leaves out the
  lines that are table rows (the tables go through index.tables' checked reader).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from index import config
from index.text import fold, fold_with_offsets


@dataclass(frozen=True)
class Block:
    year: str
    kind: str  # "heading" | "para" | "bullet"
    text: str
    chapter: str = ""
    section: str = ""
    subsection: str = ""
    case_study: str = ""

    @property
    def path(self) -> str:
        """Citation path: chapter › section › subsection (case study included where it is one)."""
        parts = [self.chapter, self.section, self.case_study, self.subsection]
        out: list[str] = []
        for p in parts:
            if p and p not in out:
                out.append(p)
        return " › ".join(out)


# The 2024-25 extraction has no Contents page, so its outline is written out
# here, heading by heading as printed in the report (level 1 = chapter, 2 = section, 3 = subsection).
OUTLINE_2024_25 = {
    "Ministerial Foreword": 1, "Executive summary": 1,
    "Chapter 1 - National programme update": 1, "The programme": 2, "Next steps to support families": 2,
    "Chapter 2 - Local system transformation": 1, "Early Help System Guide": 2,
    "SEND Good Practice project": 2, "Hertfordshire County Council": 3, "Leeds City Council": 3,
    "Nottingham City Council": 3, "London Borough of Southwark": 3,
    "Wakefield Metropolitan Borough Council": 3, "Early findings": 3,
    "Mental Health Good Practice project": 2, "Hull City Council": 3, "Kirklees Council": 3,
    "Leicestershire County Council": 3, "Wiltshire Council": 3, "Consultative model": 3,
    "Direct support/capacity building": 3, "Key learning from the pilot:": 3,
    "Data survey": 2, "Peer support to improve early help system maturity and data maturity": 2,
    "Measures of success": 3, "Research and evaluation update": 2, "Spend evaluation": 3,
    "Systemic practice trial": 3, "Whole system change: a case study from one local area": 2,
    "Norfolk County Council’s holistic approach to early intervention": 3,
    "How whole family working helps families with multiple/complex needs: a case study": 2,
    "Background": 3, "Work undertaken with the family": 3, "Outcomes achieved": 3, "Feedback": 3,
    "Chapter 3 - Successful family outcomes 2024-25": 1, "Validation of claims": 2,
    "Annex A: Successful family outcomes by local authority": 1,
}
# Headings the 2023-24 Contents page leaves out.
EXTRA_HEADINGS_2023_24 = {"Local authority expertise and capacity": 3}

TERMINAL = re.compile(r"[.!?:;)”\"’']\s*$")


def load_report(report: config.Report) -> list[Block]:
    """One report cleaned into blocks: the known two as above, any other with `clean_generic`."""
    if report.known:
        text = report.path.read_text(encoding="utf-8")
        return clean_2023_24(text) if report.year == "2023-24" else clean_2024_25(text)
    return clean_generic(read_text_lenient(report.path), report.year)


def read_text_lenient(path) -> str:
    """An added report's text: UTF-8 (with or without BOM); undecodable bytes replaced, not fatal."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", " ")


# ------------------------------------------------------------------ other reports

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(?:[-•*▪◦‣]|\d+[.)])\s+")
_CHAPTER = re.compile(r"^(?:chapter|annex|part|appendix)\b|^(?:ministerial foreword|foreword|executive summary)$", re.I)


def _heading_like(line: str) -> bool:
    """A short line that names what follows: no sentence punctuation, starts with a capital or number."""
    words = line.split()
    return (0 < len(words) <= 14 and len(line) <= 120 and not re.search(r"[.,;:!?]$", line)
            and bool(re.match(r"[A-Z0-9“\"‘(]", line)) and not _BULLET.match(line)
            and not re.match(r"(?:Table|Figure|Chart)\s+\d", line))


def _generic_line(line: str) -> str:
    """Markdown emphasis and odd bullet glyphs out, so the shared bullet splitter reads the line."""
    line = re.sub(r"\*\*|__|</?[a-z][^>]*>", "", line)
    line = re.sub(r"^(\s*)[*▪◦‣·]\s+", r"\1• ", line)
    return re.sub(r"^(\s*)(\d+)\)\s+", r"\1\2. ", line)


def clean_generic(text: str, year: str) -> list[Block]:
    """A report with no hand-written cleaner: headings, paragraphs and bullets, in document order.

    Headings are markdown '#' lines, or short unpunctuated lines standing alone. Level 1
    (chapter) for '#'/'Chapter'/'Annex'/'Part' headings, 3 for numbered '1.2' headings,
    2 otherwise. A heading-like first line is the report's title, not a heading of its own.
    Table rows are left out; the tables are read, checked and loaded separately.
    """
    from index.tables import table_lines

    skip = table_lines(text)
    lines = [("" if i in skip else _generic_line(ln)) for i, ln in enumerate(text.splitlines())]
    # A title line (first non-empty line, heading-like) names the report, not a section of it.
    for i, ln in enumerate(lines):
        if ln.strip():
            if _MD_HEADING.match(ln.strip()) or _heading_like(ln.strip()):
                lines[i] = ""
            break
    raw_paragraphs, current = [], []
    for ln in lines:
        if ln.strip():
            current.append(ln.strip())
        elif current:
            raw_paragraphs.append(current)
            current = []
    if current:
        raw_paragraphs.append(current)
    md_levels = [len(m.group(1)) for p in raw_paragraphs for ln in p if (m := _MD_HEADING.match(ln))]
    top = min(md_levels, default=1)
    items: list[tuple[str, str]] = []
    outline: dict[str, int] = {}

    def heading(text: str, level: int):
        text = _tidy(text)
        if text:
            outline[text] = level
            items.append(("heading", text))

    for para in raw_paragraphs:
        rest: list[str] = []
        for ln in para:
            m = _MD_HEADING.match(ln)
            if m:
                if rest:
                    items.extend(_split_bullets(rest))
                    rest = []
                heading(m.group(2), min(3, len(m.group(1)) - top + 1))
            else:
                rest.append(ln)
        if not rest:
            continue
        first = rest[0]
        # A heading line directly above its text (no blank line between): split it off.
        if _heading_like(first) and (len(rest) == 1 or re.match(r"[A-Z“\"‘(•\-]", rest[1])):
            level = 1 if _CHAPTER.match(first) else 3 if re.match(r"\d+\.\d+", first) else 2
            heading(first, level)
            rest = rest[1:]
        if rest:
            items.extend(_split_bullets(rest))
    items = [(k, t) for k, t in items if t]
    items = _join_broken(items)
    return _structure(year, items, outline)


# ------------------------------------------------------------------ shared

def _structure(year: str, items: list[tuple[str, str]], outline: dict[str, int]) -> list[Block]:
    """Attach chapter/section/subsection/case-study to (kind, text) items, using heading levels."""
    blocks, chapter, section, subsection, case = [], "", "", "", ""
    for kind, text in items:
        if kind == "heading":
            level = outline.get(text, 2)
            name = text.rstrip(":")
            is_case = "case study" in text.lower()
            if level == 1:
                chapter, section, subsection, case = name, "", "", ""
            elif level == 2:
                section, subsection = name, ""
                case = name if is_case else ""
            else:
                subsection = name
                if is_case:
                    case = name
        blocks.append(Block(year, kind, text, chapter, section, subsection, case))
    return blocks


def _join_broken(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Re-join a paragraph or bullet that a page break cut in two (next part starts lowercase)."""
    out: list[tuple[str, str]] = []
    for kind, text in items:
        if (out and kind == "para" and out[-1][0] in ("para", "bullet") and not TERMINAL.search(out[-1][1])
                and (re.match(r"['‘\"]?[a-z]", text) or re.search(r"\b(and|or|the|of|to|in|a|with|for)$", out[-1][1]))):
            prev_kind, prev = out[-1]
            if _norm(text) not in _norm(prev):
                out[-1] = (prev_kind, f"{prev} {text}")
            continue
        out.append((kind, text))
    return out


def _norm(text: str) -> str:
    """Only the letters and digits of `text` (index.text.fold's words, spaces left out): for
    comparing two copies of a passage whatever their line breaks and punctuation."""
    return fold(text, words=True).replace(" ", "")


def _tidy(text: str) -> str:
    text = text.replace("\u00a0", " ")
    text = re.sub(r"[ \t]+", " ", text)
    return text.strip()


# ------------------------------------------------------------------ 2023-24

def clean_2023_24(text: str) -> list[Block]:
    contents = text[text.index("Contents"): text.index("Ministerial foreword", text.index("Contents") + 20)]
    outline = {}
    for line in contents.splitlines()[1:]:
        m = re.match(r"(.+?)\t\d+\s*$", line)
        if m:
            title = m.group(1).strip()
            outline[title] = 1 if re.match(r"(Chapter|Annex|Ministerial|Executive)", title) else 2
    outline.update(EXTRA_HEADINGS_2023_24)
    body_start = text.index("Ministerial foreword", text.index("Contents") + 20)
    body = text[body_start: text.index("Annex A – Table", body_start)]
    body = re.sub(r"\*\*|</?u>|\^\{\*\}", "", body)
    items: list[tuple[str, str]] = []
    for raw in re.split(r"\n\s*\n", body):
        lines = [ln.strip() for ln in raw.splitlines() if ln.strip()]
        if not lines:
            continue
        para = _tidy(" ".join(lines))
        if re.fullmatch(r"\d{1,3}", para) or para[:1] in "¹²³":
            continue  # page numbers and footnotes
        if para in outline or re.match(r"Case Study( \d+)?:", para):
            items.append(("heading", para))
            continue
        items += _split_bullets(lines)
    items = _join_broken(items)
    outline.update({t: 2 for k, t in items if k == "heading" and t.startswith("Case Study")})
    return _structure("2023-24", items, outline)


def _split_bullets(lines: list[str]) -> list[tuple[str, str]]:
    """A raw paragraph may hold several bullets ("- ", "• ", "2. "); wrapped lines continue the last one."""
    items: list[tuple[str, str]] = []
    for line in lines:
        m = re.match(r"^(?:[-•]|\d+\.)\s+(?:\d+\.\s+)?(.*)", line)
        if m:
            items.append(("bullet", m.group(1)))
        elif items:
            items[-1] = (items[-1][0], f"{items[-1][1]} {line}")
        else:
            items.append(("para", line))
    return [(k, _tidy(t)) for k, t in items]


# ------------------------------------------------------------------ 2024-25

def clean_2024_25(text: str) -> list[Block]:
    start = re.search(r"^\s*\tMinisterial Foreword", text, re.M).start()
    ocr, tagged = text[:start], text[start:]
    ocr_norm, ocr_map = _norm_with_map(ocr)
    items: list[tuple[str, str]] = []
    bullet_next = False
    skipping_table = False
    previous_raw = None
    for raw in tagged.splitlines():
        line = raw.strip()
        if not line or line in ("Figure",) or raw == previous_raw:
            continue
        previous_raw = raw
        if line == "•":
            bullet_next = True
            continue
        if line.startswith("Table 1:") or line.startswith("Table 2:"):
            items.append(("para", line))
            skipping_table = True  # table cells go to the database, not the text
            continue
        if skipping_table:
            if line.startswith("All areas also identified"):
                skipping_table = False
            else:
                continue
        if re.fullmatch(r"E\d+|[\d-]{13,17}|\d{1,3}", line) or line.startswith("https://"):
            continue  # print codes, ISBN, page numbers, bare links
        if len(raw.rstrip("\n")) >= 500:  # cut by the extraction: complete it from the OCR copy
            line = _complete_from_ocr(line, ocr, ocr_norm, ocr_map)
        text_line = _tidy(line)
        if len(text_line.split()) < 3 and text_line not in OUTLINE_2024_25:
            continue  # link labels left over from the tagged copy ("programme guide")
        if text_line in OUTLINE_2024_25:
            items.append(("heading", text_line))
        else:
            items.append(("bullet" if bullet_next else "para", text_line))
        bullet_next = False
    items = _dedupe_contained(_join_broken(items))
    return _structure("2024-25", items, OUTLINE_2024_25)


def _dedupe_contained(items: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop a line already included in the previous one (an OCR completion ran past a page break)."""
    out: list[tuple[str, str]] = []
    for kind, text in items:
        if out and kind != "heading" and len(text) > 20 and _norm(text) in _norm(out[-1][1]):
            continue
        out.append((kind, text))
    return out


def _norm_with_map(text: str) -> tuple[str, list[int]]:
    """_norm(text), and for each of its characters the index in `text` it came from."""
    folded, offsets = fold_with_offsets(text, words=True)
    kept = [i for i, c in enumerate(folded) if c != " "]
    return "".join(folded[i] for i in kept), [offsets[i] for i in kept]


def _complete_from_ocr(cut: str, ocr: str, ocr_norm: str, ocr_map: list[int]) -> str:
    """The OCR text that starts like `cut`, as far as `cut` reaches and then to the end of that
    paragraph (across page breaks that split a sentence), cleaned of OCR artefacts."""
    target = _norm(cut)
    at = ocr_norm.find(target[:80])
    if at < 0:
        return cut
    pos, pieces = ocr_map[at], []
    while pos < len(ocr):
        end = ocr.find("\n\n", pos)
        end = len(ocr) if end < 0 else end
        pieces.append(ocr[pos:end])
        pos = end + 2
        joined = "\n".join(pieces)
        following = ocr[pos:].lstrip()[:1]
        if len(_norm(joined)) >= len(target) and (TERMINAL.search(joined) or not following.islower()):
            break
    return clean_ocr("\n".join(p for p in pieces if not re.fullmatch(r"\s*\d{1,3}\s*", p)))


def clean_ocr(text: str) -> str:
    """Repair what OCR did to a paragraph: line wraps, hyphen wraps, pipes for I, bullet glyphs."""
    text = re.sub(r"-\n\s*(?=[a-z])", "-", text)  # "six-\npoint" -> "six-point"
    text = re.sub(r"\s*\n\s*", " ", text)
    text = re.sub(r"(?<![A-Za-z])\|(?=[a-z ])", "I", text)  # "| am", "|dentify"
    text = re.sub(r"^[e¢o«•]\s+", "", text)
    text = text.replace("'’", "’").replace("Alocal", "A local")
    return _tidy(text)
