"""Writing outputs whole or not at all."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .errors import OutputError

__all__ = ["text_cells", "atomic_write_bytes", "atomic_write_text", "atomic_write_json",
           "staged_directory", "check_output", "mark_output", "MARKER"]


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


#: The file that marks a folder as written by the workbook (a previous output may be replaced).
MARKER = ".culture-diagnostics"
_STAGE = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-z_]+\.(?:tmp|old)$")


def _data_folder(folder: Path) -> bool:
    """Whether ``folder`` holds a survey table (and so is a data folder)."""
    from .reading import find_table

    try:
        return find_table(folder, "survey") is not None
    except OSError:
        return False


def _previous_sample(folder: Path) -> bool:
    return (folder / "truth.json").is_file() and (folder / "survey.csv").is_file()


def check_output(target: str | Path, *, data: str | Path | Sequence[str | Path] = (),
                 kind: str = "folder", option: str = "--out") -> Path:
    """Refuse an output path that would land on the inputs or on someone else's files.

    Parameters
    ----------
    target
        Where the output goes: a folder (``kind="folder"`` or ``"sample"``) or a file
        (``kind="file"``).
    data
        The data folder(s) the run reads: the output may be neither one of them nor inside one.
    kind
        ``"folder"``: an existing folder must be empty or a previous output (it holds
        :data:`MARKER`); ``"sample"``: an existing folder must be empty or a previous sample
        (it holds ``truth.json``); ``"file"``: an existing file must be a previous JSON output.
    option
        The option that named the path (for the message).

    Returns
    -------
    Path
        The target, absolute.

    Raises
    ------
    OutputError
        When ``target`` equals or lies inside a data folder (``data``, or any folder holding
        survey.csv), or is an existing non-empty folder (or file) the workbook did not write.
    """
    final = Path(os.path.abspath(target))
    real = final.resolve()
    datas = [data] if isinstance(data, str | Path) else list(data)
    for folder in datas:
        folder = Path(folder).resolve()
        if real == folder or folder in real.parents:
            raise OutputError(f"{option} {target}: is {'the' if real == folder else 'inside the'} "
                              f"data folder {folder}; outputs never go among the inputs. Give "
                              "a path outside it.")
    chain = ([real] if kind != "file" else []) + list(real.parents)
    for folder in chain:
        if folder.is_dir() and _data_folder(folder) and not (
                kind == "sample" and folder == real and _previous_sample(folder)):
            where = "is" if folder == real else "is inside"
            raise OutputError(f"{option} {target}: {where} a data folder ({folder} holds "
                              "survey.csv); outputs never go among the inputs. Give a path "
                              "outside it.")
    if kind == "file":
        if real.is_dir():
            raise OutputError(f"{option} {target}: is a folder; give a file name such as "
                              "results.json.")
        if os.path.lexists(real) and not _previous_json(real):
            raise OutputError(f"{option} {target}: the file exists and is not results the "
                              "workbook wrote; it was left alone. Give a new file name, or "
                              "remove the file first.")
        return final
    if os.path.lexists(real) and not real.is_dir():
        raise OutputError(f"{option} {target}: is a file, not a folder. Give a folder.")
    if real.is_dir() and any(real.iterdir()):
        ours = (real / MARKER).is_file() if kind == "folder" else _previous_sample(real)
        if not ours:
            raise OutputError(f"{option} {target}: the folder is not empty and was not written "
                              "by the workbook; nothing was written, so that none of its files "
                              "is replaced. Give an empty or new folder.")
    return final


def _previous_json(path: Path) -> bool:
    """Whether ``path`` is a regular file holding a JSON object (what ``run --json`` writes)."""
    try:
        if not path.is_file() or path.is_symlink():
            return False
        with path.open("rb") as handle:
            head = handle.read(64).lstrip()
    except OSError:
        return False
    return head.startswith(b"{")


def mark_output(folder: str | Path, kind: str) -> None:
    """Write :data:`MARKER` into ``folder``: it was written by the workbook (``kind``: what)."""
    (Path(folder) / MARKER).write_text(f"Written by culture-diagnostics ({kind}). A later run "
                                       "may replace this folder's files.\n", encoding="utf-8")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def sweep_stale(final: Path) -> None:
    """Remove staging folders next to ``final`` left by a process that no longer runs."""
    try:
        siblings = list(final.parent.iterdir())
    except OSError:
        return
    for entry in siblings:
        m = _STAGE.match(entry.name)
        if m and m.group("name") == final.name and not _alive(int(m.group("pid"))):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); ``False`` where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _carry(old: Path, stage: Path) -> None:
    """Hard-link (else copy) into ``stage`` what ``old`` holds that the stage does not replace."""
    for item in old.iterdir():
        dest = stage / item.name
        if os.path.lexists(dest):
            continue
        if item.is_symlink():
            os.symlink(os.readlink(item), dest)
        elif item.is_dir():
            shutil.copytree(item, dest, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(item, dest)


def _link_or_copy(src: str | Path, dst: str | Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@contextmanager
def staged_directory(target: str | Path, *, marker: str | None = None) -> Iterator[Path]:
    """Yield a temporary sibling folder; on success swap it in for ``target`` in one rename.

    Files appear in ``target`` only when the whole block succeeded, all at once: the new
    folder holds the files written plus (hard links to) the files of the old one that were
    not rewritten, and replaces it in one step. On error or interruption nothing is left
    behind and ``target`` is untouched. Staging folders of a killed process are removed
    by the next write to the same target.

    Parameters
    ----------
    target
        The output folder (created when missing).
    marker
        When given, :data:`MARKER` is written into the folder (``marker`` says what wrote it).
    """
    final = Path(os.path.abspath(target))
    if final.is_symlink():
        final = final.resolve()
    tag = f"{os.getpid()}.{secrets.token_hex(4)}"
    stage = final.parent / f".{final.name}.{tag}.tmp"
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        sweep_stale(final)
        if os.path.lexists(final) and not final.is_dir():
            raise OutputError(f"Could not write {final}: it is a file, not a folder.")
        stage.mkdir()
        if final.is_dir():
            os.chmod(stage, stat.S_IMODE(final.stat().st_mode))
    except OSError as err:
        raise OutputError(f"Could not create {final}: {err.strerror or err}.") from err
    try:
        yield stage
        if marker is not None:
            mark_output(stage, marker)
        if final.is_dir():
            _carry(final, stage)
            if not _exchange(stage, final):
                aside = final.parent / f".{final.name}.{tag}.old"
                os.rename(final, aside)
                try:
                    os.rename(stage, final)
                except OSError:
                    os.rename(aside, final)
                    raise
                os.rename(aside, stage)  # removed below, with the old files
        else:
            os.rename(stage, final)
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
