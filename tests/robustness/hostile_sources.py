"""Files an analyst might be handed to `briefgen sources add`, each crafted to break a reader.

Shared by tests/robustness/test_hostile_sources.py and benchmarks/attacks.py. The PDFs are
written object by object (no PDF library writes a stream bomb or a looping page tree on
purpose), the rest with the tools that write such files. Each maker writes into ``folder``
and returns the path to give to `sources add`.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable
from pathlib import Path

import docx

from tests.robustness import word_files as wf

MiB = 1024 * 1024
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_file(objects: list[bytes], streams: dict[int, tuple[bytes, bytes]] | None = None
             ) -> bytes:
    """A PDF whose object n (from 1) is ``objects[n - 1]``, 1 the catalog; ``streams`` gives
    objects that are streams their dictionary entries and data (written as is)."""
    streams = streams or {}
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode()
        if number in streams:
            entries, data = streams[number]
            out += b"<< " + entries + f" /Length {len(data)} >>\nstream\n".encode()
            out += data + b"\nendstream"
        else:
            out += body
        out += b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return bytes(out)


def _text_page(parent: int, contents: int) -> bytes:
    return (f"<< /Type /Page /Parent {parent} 0 R /MediaBox [0 0 612 792] /Contents "
            f"{contents} 0 R /Resources << /Font << /F1 5 0 R >> >> >>").encode()


def zeros_deflated(size: int) -> bytes:
    """A zlib stream that inflates to ``size`` zero bytes (a multiple of 1 MiB), made
    without compressing them all: after a full flush the compressor starts afresh, so every
    MiB of zeros compresses to the same bytes, and the checksum of zeros is arithmetic."""
    compressor = zlib.compressobj(9)
    first = compressor.compress(b"\0" * MiB) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(b"\0" * MiB) + compressor.flush(zlib.Z_FULL_FLUSH)
    last = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    # Adler-32 of n zeros: a stays 1, b grows by 1 per byte.
    adler = ((size % 65521) << 16) | 1
    return first + block * (size // MiB - 1) + last + adler.to_bytes(4, "big")


def deflate_bomb_pdf(folder: Path, inflated: int = 8 * 1024 * MiB) -> Path:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes (8 GiB: about
    8 MB on disk)."""
    path = folder / "bomb.pdf"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               _text_page(2, 4), b"", _FONT]
    path.write_bytes(pdf_file(objects, {4: (b"/Filter /FlateDecode",
                                            zeros_deflated(inflated))}))
    return path


def many_pages_pdf(folder: Path, pages: int = 10_000) -> Path:
    """A PDF of ``pages`` 1-point pages, each with a word on it."""
    path = folder / "pages.pdf"
    first_page = 4
    kids = " ".join(f"{first_page + n} 0 R" for n in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(), b""]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1 1] /Contents 3 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (first_page + pages)] * pages
    objects.append(_FONT)
    path.write_bytes(pdf_file(objects, {3: (b"", b"BT /F1 1 Tf 0 0 Td (word) Tj ET")}))
    return path


def looping_page_tree_pdf(folder: Path) -> Path:
    """A PDF whose page tree loops: the root's kid is a node whose kid is the root again
    (and a page beside it, so a reader that ignores the loop would find text)."""
    path = folder / "loop.pdf"
    text = b"BT /F1 12 Tf 72 700 Td (The tree goes round and round without end.) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 2 >>",
               b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 6 0 R] /Count 2 >>",
               b"", _FONT, _text_page(3, 4)]
    path.write_bytes(pdf_file(objects, {4: (b"", text)}))
    return path


def deep_html(folder: Path, depth: int = 100_000) -> Path:
    """A web page whose article is nested ``depth`` elements deep."""
    path = folder / "deep.html"
    sentence = "<p>A sentence at the very bottom of a very deep page of nested boxes.</p>"
    path.write_text("<!doctype html><html><head><title>Deep</title></head><body>"
                    + "<div>" * depth + sentence + "</div>" * depth + "</body></html>",
                    encoding="utf-8")
    return path


def huge_html(folder: Path, size: int = 50 * MiB) -> Path:
    """A web page of ``size`` bytes of ordinary paragraphs."""
    path = folder / "huge.html"
    paragraph = b"<p>An ordinary paragraph of an extraordinarily long web page, again.</p>\n"
    with path.open("wb") as out:
        out.write(b"<!doctype html><html><head><title>Huge</title></head><body><article>\n")
        out.write(paragraph * (size // len(paragraph)))
        out.write(b"</article></body></html>\n")
    return path


def docx_zip_bomb(folder: Path) -> Path:
    """A Word file (python-docx's) holding a picture of 20 MB of zeros: 20 KB in the zip,
    inflating 1,000 times over."""
    plain = folder / "plain.docx"
    document = docx.Document()
    document.add_paragraph("A paragraph of a Word file with a bomb inside its package.")
    document.save(str(plain))
    def bomb(word: wf.WordZip) -> None:
        word.parts["word/media/zeros.png"] = bytes(20 * MiB)
        word.relate("word/document.xml", wf.RT + "image", "media/zeros.png")

    path = wf.craft(plain, folder / "bomb.docx", bomb)
    plain.unlink()
    return path


def one_line_text(folder: Path, size: int = 10 * MiB) -> Path:
    """A .txt file of one line of ``size`` bytes."""
    path = folder / "line.txt"
    path.write_bytes(b"word " * (size // 5) + b"\n")
    return path


def link_to_passwd(folder: Path) -> Path:
    """A link named like a report, leading to /etc/passwd."""
    path = folder / "report.txt"
    path.symlink_to("/etc/passwd")
    return path


def path_out_through_link(folder: Path) -> Path:
    """``folder/inside/../passwd.txt``, where ``inside`` is a link to a folder elsewhere:
    read lexically the path stays in ``folder``; the system walks out through the link."""
    elsewhere = folder / "elsewhere" / "deep"
    elsewhere.mkdir(parents=True)
    (folder / "elsewhere" / "passwd.txt").write_text("Secret\n\nroot:x:0:0\n", "utf-8")
    (folder / "given").mkdir()
    (folder / "given" / "inside").symlink_to(elsewhere)
    (folder / "given" / "passwd.txt").write_text("Harmless\n\nA harmless line.\n", "utf-8")
    return folder / "given" / "inside" / ".." / "passwd.txt"


def control_character_name(folder: Path) -> Path:
    """A text file whose name holds a newline, an escape sequence and a right-to-left
    override (it prints as something else than it is)."""
    path = folder / "report\n\x1b[2K\u202etxt.exe.txt"
    path.write_text("A Title\n\nA paragraph of ordinary text.\n", encoding="utf-8")
    return path


#: Each attack on `sources add`: what it is, and the maker of its file.
ATTACKS: dict[str, Callable[[Path], Path]] = {
    "a PDF with an 8 GiB deflate bomb in a content stream": deflate_bomb_pdf,
    "a PDF of 10,000 tiny pages": many_pages_pdf,
    "a PDF whose page tree loops": looping_page_tree_pdf,
    "a web page nested 100,000 deep": deep_html,
    "a web page of 50 MB": huge_html,
    "a DOCX zip bomb (1,000:1)": docx_zip_bomb,
    "a .txt of one 10 MB line": one_line_text,
    "a link to /etc/passwd": link_to_passwd,
    "a path with ../ out through a link": path_out_through_link,
    "a file name with control characters": control_character_name,
}


def seeds_state(seeds: Path) -> dict[str, bytes]:
    """Every file under ``seeds`` (hidden ones too) with its bytes: what must not change."""
    return {os.path.relpath(p, seeds): p.read_bytes() for p in sorted(seeds.rglob("*"))
            if p.is_file()}

