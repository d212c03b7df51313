"""A picture of a report's first pages, side by side (pdftoppm from poppler-utils, then Pillow).

Used for the README's picture: ``python -m diagnostics.report.preview REPORT.pdf OUT.png``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import OutputError
from ..outputs import atomic_write_bytes

__all__ = ["pages_picture"]


def pages_picture(pdf: str | Path, out: str | Path, *, first: int = 1, pages: int = 4,
                  dpi: int = 60, gap: int = 16) -> Path:
    """Render pages ``first`` .. ``first + pages - 1`` of ``pdf`` side by side into a PNG.

    Raises
    ------
    OutputError
        When pdftoppm is missing (install poppler-utils: ``make system``) or fails.
    """
    import io

    from PIL import Image, ImageOps

    if shutil.which("pdftoppm") is None:
        raise OutputError("pdftoppm is not installed; install poppler-utils (make system).")
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(first), "-l",
                               str(first + pages - 1), str(pdf), f"{tmp}/page"],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise OutputError(f"pdftoppm could not render {pdf}: {done.stderr.strip()}")
        images = [Image.open(p).convert("RGB") for p in sorted(Path(tmp).glob("page-*.png"))]
        if not images:
            raise OutputError(f"{pdf} has no page {first}.")
        framed = [ImageOps.expand(im, border=1, fill="#BBBBBB") for im in images]
        width = sum(im.width for im in framed) + gap * (len(framed) + 1)
        height = max(im.height for im in framed) + 2 * gap
        sheet = Image.new("RGB", (width, height), "#EEEEEE")
        x = gap
        for im in framed:
            sheet.paste(im, (x, gap))
            x += im.width + gap
        # a palette of 128 colours, no dithering: the pages are flat colours and text, and the
        # picture (committed for the README) is a third of the size of a full-colour PNG
        flat = sheet.quantize(colors=128, method=Image.Quantize.MEDIANCUT,
                              dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        flat.save(buffer, format="PNG", optimize=True)
    return atomic_write_bytes(out, buffer.getvalue())


if __name__ == "__main__":  # pragma: no cover - the Makefile's docs picture
    if len(sys.argv) != 3:
        sys.exit("usage: python -m diagnostics.report.preview REPORT.pdf OUT.png")
    print(f"Wrote {pages_picture(sys.argv[1], sys.argv[2])}")
