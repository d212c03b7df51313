"""Writing outputs whole or not at all."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import OutputError

__all__ = ["text_cells", "atomic_write_bytes", "atomic_write_text", "atomic_write_json", "staged_directory"]


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise OutputError(f"Could not write {target}: {err.strerror or err}. Check that the "
                          "folder exists and is writable.") from err
    return target


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text whole or not at all."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | Path, data: Any) -> Path:
    """Write JSON (UTF-8, indented, keys in insertion order) whole or not at all."""
    return atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")


@contextmanager
def staged_directory(target: str | Path) -> Iterator[Path]:
    """Yield a temporary sibling folder; on success move its files into ``target``.

    Files appear in ``target`` only when the whole block succeeded; on error nothing
    is left behind and existing files in ``target`` are untouched.
    """
    final = Path(target)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
    except OSError as err:
        raise OutputError(f"Could not create {final}: {err.strerror or err}.") from err
    try:
        yield stage
        final.mkdir(parents=True, exist_ok=True)
        for item in sorted(stage.iterdir()):
            destination = final / item.name
            if destination.is_dir() and item.is_dir():
                shutil.rmtree(destination)
            os.replace(item, destination)
    except OSError as err:
        raise OutputError(f"Could not write into {final}: {err.strerror or err}.") from err
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def text_cells(book: Any) -> int:
    """Store every would-be formula of an openpyxl workbook as text; returns how many.

    openpyxl (and pandas' ``to_excel`` through it) writes a string that starts with ``=``
    as a live formula. Every file this project writes holds data, never formulas: each
    such cell becomes a text cell with Excel's quote prefix, shown as typed.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> book = Workbook()
    >>> book.active["A1"] = "=HYPERLINK(1)"
    >>> text_cells(book), book.active["A1"].data_type, book.active["A1"].quotePrefix
    (1, 's', True)
    """
    changed = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.data_type != "s"):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed
