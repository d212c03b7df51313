"""Opening input files safely: regular files inside the data folder, read within set limits.

A data folder may come from someone else. Every file the workbook reads from it goes
through :func:`read_input`, which refuses, with a message a person can act on:

- anything that is not a regular file: a folder, a named pipe (reading one waits forever),
  a device (``/dev/zero`` never ends), a socket;
- a link that leads outside the data folder (its content is never read, so an error can
  never echo a line of, say, ``/etc/shadow``), or a broken link;
- a file larger than its limit (:data:`LIMITS`), checked before reading and again while
  reading, so a file that grows cannot exhaust memory.

Excel files are zip archives: :func:`check_zip` refuses an archive whose members would
unpack beyond :data:`LIMITS` (total size, or compression ratio of a large member) before
anything is unpacked, so a "zip bomb" costs nothing.

Text shown to a person passes :func:`printable`, which writes control characters (terminal
escape sequences among them) as visible ``\\x1b`` escapes.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["InputLimits", "LIMITS", "UnsafeInput", "read_input", "check_zip", "printable",
           "has_control", "CONTROL", "file_kind", "size_text"]


@dataclass(frozen=True)
class InputLimits:
    """The limits of what the workbook reads (bytes unless stated).

    Far above a real organisation's data (a 100,000-person survey with 200 items is about
    60 MB as CSV), far below what would exhaust a laptop's memory.
    """

    #: One CSV (or .tsv/.txt) table.
    table_bytes: int = 512 * 2**20
    #: One .xlsx file as stored (compressed).
    xlsx_bytes: int = 128 * 2**20
    #: All members of an .xlsx file once unpacked.
    xlsx_unpacked_bytes: int = 1024 * 2**20
    #: Compression ratio of one member larger than ``xlsx_ratio_from`` (spreadsheet XML packs
    #: 5 to 30 times; a zip bomb a thousand times).
    xlsx_ratio: int = 200
    xlsx_ratio_from: int = 8 * 2**20
    #: Members of an .xlsx archive.
    xlsx_members: int = 10_000
    #: Cells of the first sheet, counting the empty cells Excel's rows are padded with.
    xlsx_cells: int = 20_000_000
    #: workbook.toml.
    toml_bytes: int = 1 * 2**20
    #: Nesting of tables and lists in workbook.toml (the settings need 2).
    toml_depth: int = 8
    #: The report's logo.
    logo_bytes: int = 5 * 2**20


#: The limits in force.
LIMITS = InputLimits()


class UnsafeInput(Exception):
    """A file was not read; ``str(err)`` says why, in words that follow the file's name."""


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def file_kind(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words (``"a folder"``, ``"a named pipe (FIFO)"``...)."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def size_text(n: int) -> str:
    """``1.5 GB``, ``12 MB``, ``300 KB``, ``12 bytes``."""
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= scale:
            value = n / scale
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
    return f"{n} bytes"


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def read_input(path: str | Path, *, limit: int, folder: str | Path | None = None,
               what: str = "file") -> bytes:
    """The bytes of ``path``: a regular file (inside ``folder`` if given) of at most ``limit`` bytes.

    Raises
    ------
    UnsafeInput
        With the reason, for a folder, pipe, device or socket, a link leaving ``folder``
        or going nowhere, a file over ``limit``, or one that cannot be opened.

    Examples
    --------
    >>> read_input("data/sample/workbook.toml", limit=10_000, folder="data/sample")[:12]
    b'# A syntheti'
    >>> read_input("data/sample", limit=10)
    Traceback (most recent call last):
    ...
    diagnostics.inputs.UnsafeInput: is a folder, not a file. ...
    """
    path = Path(path)
    try:
        linked = path.is_symlink()
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        if path.is_symlink():
            raise UnsafeInput("is a link to a file that does not exist. Copy the file itself "
                              "into the data folder.") from None
        raise UnsafeInput("does not exist.") from None
    except (OSError, RuntimeError) as err:  # a loop of links, no permission
        raise UnsafeInput(f"cannot be opened ({getattr(err, 'strerror', None) or err}).") from None
    if folder is not None and not _inside(resolved, Path(folder).resolve()):
        plain = _inside(Path(os.path.abspath(path)), Path(os.path.abspath(folder)))
        raise UnsafeInput(f"is {'a link to a file ' if plain else ''}outside the data folder; "
                          "it was not read. Copy the file itself into the data folder.")
    try:
        info = os.stat(resolved)
    except OSError as err:
        raise UnsafeInput(f"cannot be opened ({err.strerror or err}).") from None
    if not stat.S_ISREG(info.st_mode):
        via = "a link to " if linked else ""
        raise UnsafeInput(f"is {via}{file_kind(info.st_mode)}, not a file. Put the {what} "
                          "itself in its place.")
    if info.st_size > limit:
        raise UnsafeInput(f"is {size_text(info.st_size)}, more than the {size_text(limit)} "
                          f"the workbook reads for a {what}.")
    try:
        # O_NONBLOCK: should the file have become a pipe since stat, opening does not wait.
        fd = os.open(resolved, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_NOFOLLOW", 0))
    except OSError as err:
        raise UnsafeInput(f"cannot be opened ({err.strerror or err}).") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnsafeInput(f"is not a regular file. Put the {what} itself in its place.")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    except OSError as err:
        raise UnsafeInput(f"cannot be read ({err.strerror or err}).") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise UnsafeInput(f"is more than the {size_text(limit)} the workbook reads for a {what}.")
    return data


def check_zip(data: bytes) -> None:
    """Refuse a zip archive (an .xlsx file) that would unpack beyond :data:`LIMITS`.

    Only the archive's directory is read; nothing is unpacked. Python's zip reader never
    returns more than a member's declared size, so the declared sizes bound the work.

    Raises
    ------
    UnsafeInput
        For an archive that is not one, has too many members, would unpack too large, or
        has a member packed implausibly tightly.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise UnsafeInput(f"is not a readable Excel workbook ({err}). Open it in Excel and save "
                          "it again as .xlsx, or as CSV UTF-8.") from None
    advice = " If it is a real survey, save it as CSV UTF-8 instead."
    if len(members) > LIMITS.xlsx_members:
        raise UnsafeInput(f"holds {len(members)} parts; an Excel workbook the workbook reads "
                          f"holds at most {LIMITS.xlsx_members}." + advice)
    total = sum(m.file_size for m in members)
    if total > LIMITS.xlsx_unpacked_bytes:
        raise UnsafeInput(f"would unpack to {size_text(total)}, more than the "
                          f"{size_text(LIMITS.xlsx_unpacked_bytes)} the workbook reads; it was "
                          "not unpacked." + advice)
    for m in members:
        if m.file_size > LIMITS.xlsx_ratio_from and \
                m.file_size > LIMITS.xlsx_ratio * max(m.compress_size, 1):
            raise UnsafeInput(f"has a part ({m.filename}) that would unpack "
                              f"{m.file_size // max(m.compress_size, 1)} times larger than "
                              "stored, as only a deliberately made archive does; it was not "
                              "unpacked." + advice)


#: Control characters: C0 except tab, line feed and carriage return; DEL; C1.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SHOWN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def has_control(text: str) -> bool:
    """Whether ``text`` holds a control character (tab and line ends aside)."""
    return CONTROL.search(text) is not None


def printable(text: object) -> str:
    """``text`` with control characters and text-direction overrides written as escapes.

    What a data file holds is shown this way, so that a value can never move the cursor,
    recolour or retitle a terminal, or reorder the text around it.

    Examples
    --------
    >>> printable("Sales\\x01")
    'Sales\\\\x01'
    >>> printable("\\x1b[31mred")
    '\\\\x1b[31mred'
    """
    return _SHOWN.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))
