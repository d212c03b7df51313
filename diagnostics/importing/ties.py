"""Ties from e-mail and chat metadata: ``culture-diagnostics import-ties``.

Sources: an mbox archive, a Microsoft 365 / Exchange message-trace CSV (``sender_address``,
``recipient_status`` as ``address##status`` separated by ``;``, ``origin_timestamp``), a
Slack export (a zip or its folder: ``users.json`` and one folder per channel of per-day JSON
files whose messages carry ``user``, ``reply_users`` and ``<@U...>`` mentions) and a Viva
Insights person-to-person query CSV (``PrimaryCollaborator_PersonId`` and
``SecondaryCollaborator_PersonId``, or the older ``TimeInvestor_PersonId`` and
``Collaborator_PersonId``).

Addresses are matched to PEOPLE's ``email`` column without regard to case. A tie is
directed, sender to recipient, weighted by the number of messages, in the half-year ``wave``
of the message's date (``2025-H1``). A message to more than ``broadcast`` recipients is a
broadcast: counted, not tied. Self-messages are left out and counted; addresses not in
PEOPLE are counted, never printed. Only the header lines that name people and the date are
read: subjects and bodies are skipped, never stored, never written. Files are read as a
stream with a progress bar; memory grows with the number of ties, not of messages.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from ..answers import normalise
from ..errors import DataError, Problem
from ..reading import read_table

__all__ = ["TieImport", "import_ties", "BROADCAST"]

#: A message to more recipients than this is a broadcast (counted, not tied).
BROADCAST = 10

_ADDRESS = re.compile(rb"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+")
_MONTHS = {m: i for i, m in enumerate((b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul",
                                       b"aug", b"sep", b"oct", b"nov", b"dec"), 1)}
_DATE = re.compile(rb"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})")
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")


@dataclass(frozen=True)
class TieImport:
    """What ``import_ties`` read and wrote (counts only: no address is ever kept).

    Attributes
    ----------
    source
        The kind of export read (``mbox``, ``message trace``, ``Slack``, ``Viva Insights``).
    messages
        Messages (or rows) read.
    ties, weight
        Distinct directed ties written, and the messages behind them.
    broadcasts, self_messages, unmatched, undated
        Messages to more recipients than the broadcast limit; messages to oneself;
        distinct addresses not in PEOPLE (and how often they appeared); messages without
        a date (written with an empty wave).
    """

    source: str
    out: Path
    messages: int = 0
    ties: int = 0
    weight: int = 0
    broadcasts: int = 0
    self_messages: int = 0
    unmatched: int = 0
    unmatched_mentions: int = 0
    undated: int = 0
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        """The import in a few lines (counts only)."""
        return (f"Read {self.messages:,} message(s) from the {self.source} export.\n"
                f"Wrote {self.ties:,} tie(s) ({self.weight:,} message(s)) to {self.out}.\n"
                f"Left out: {self.broadcasts:,} broadcast(s) to many recipients, "
                f"{self.self_messages:,} message(s) to oneself; {self.unmatched:,} address(es) "
                f"not in the people file (seen {self.unmatched_mentions:,} time(s)); "
                f"{self.undated:,} message(s) without a date.\n")


class _Counter:
    """Ties and counts, one message at a time."""

    def __init__(self, people: dict[str, str], broadcast: int) -> None:
        self.people = people
        self.broadcast = broadcast
        self.ties: Counter[tuple[str, str, str]] = Counter()
        self.messages = self.broadcasts = self.selfs = self.undated = self.mentions = 0
        self.unmatched: set[int] = set()

    def person(self, address: str) -> str | None:
        found = self.people.get(address)
        if found is None:
            self.unmatched.add(hash(address))
            self.mentions += 1
        return found

    def message(self, sender: str, recipients: Iterable[str], wave: str) -> None:
        self.messages += 1
        if not wave:
            self.undated += 1
        targets = set(recipients)
        if len(targets) > self.broadcast:
            self.broadcasts += 1
            return
        source = self.person(sender)
        if sender in targets:
            self.selfs += 1
            targets.discard(sender)
        for target in targets:
            found = self.person(target)
            if source is not None and found is not None and found != source:
                self.ties[(source, found, wave)] += 1


def _wave(year: int, month: int) -> str:
    return f"{year}-H{1 if month <= 6 else 2}"


def _people(path: Path) -> dict[str, str]:
    table, problems = read_table(path)
    errors = [p for p in problems if p.severity == "error"]
    if table is None or errors:
        raise DataError(errors or problems)
    frame = table.frame
    missing = [c for c in ("respondent_id", "email") if c not in frame.columns]
    if missing:
        raise DataError([Problem(path.name, f"needs the column `{c}` (the people to match "
                                 "addresses to: respondent_id and email).",
                                 line=table.header_line, column=c) for c in missing])
    people: dict[str, str] = {}
    for rid, email, line in zip(frame["respondent_id"], frame["email"], table.lines,
                                strict=True):
        key = email.strip().lower()
        if key in people and people[key] != rid:
            raise DataError([Problem(path.name, "this e-mail address belongs to two people; "
                                     "each address must name one person.", line=int(line),
                                     column="email", value=None)])
        if key:
            people[key] = rid
    return people


def _progress(total: int, show: bool, what: str) -> tqdm:
    return tqdm(total=total, unit="B", unit_scale=True, desc=what, disable=not show,
                leave=False)


# --------------------------------------------------------------------------- mbox

def _mbox(path: Path, ties: _Counter, progress: bool) -> None:
    """Read the From/To/Cc/Date header lines of each message; skip everything else."""
    wanted = (b"from:", b"to:", b"cc:", b"date:")
    with path.open("rb") as handle, _progress(path.stat().st_size, progress, "mbox") as bar:
        in_head = False
        sender, wave, current = b"", "", b""
        recipients: list[bytes] = []
        done = 0
        for line in handle:
            done += len(line)
            if done > 1 << 22:
                bar.update(done)
                done = 0
            if line.startswith(b"From "):
                if in_head or sender or recipients:
                    _flush(ties, sender, recipients, wave)
                in_head, sender, recipients, wave, current = True, b"", [], "", b""
                continue
            if not in_head:
                continue
            if line in (b"\n", b"\r\n"):
                in_head = False
                _flush(ties, sender, recipients, wave)
                sender, recipients = b"", []
                continue
            if line[:1] in (b" ", b"\t"):
                if current in (b"to:", b"cc:"):
                    recipients.extend(_ADDRESS.findall(line))
                continue
            head = line[:5].lower()
            current = next((w for w in wanted if head.startswith(w)), b"")
            if current == b"from:":
                found = _ADDRESS.search(line)
                sender = found.group(0) if found else b""
            elif current in (b"to:", b"cc:"):
                recipients.extend(_ADDRESS.findall(line))
            elif current == b"date:":
                date = _DATE.search(line)
                month = _MONTHS.get(date.group(2).lower()) if date else None
                wave = _wave(int(date.group(3)), month) if date and month else ""
        if in_head:
            _flush(ties, sender, recipients, wave)
        bar.update(done)


def _flush(ties: _Counter, sender: bytes, recipients: list[bytes], wave: str) -> None:
    if not sender and not recipients:
        return
    ties.message(sender.decode("utf-8", "replace").lower(),
                 [r.decode("utf-8", "replace").lower() for r in recipients], wave)


# --------------------------------------------------------------------------- message trace

def _trace(path: Path, ties: _Counter, progress: bool) -> None:
    with path.open("rb") as raw, _progress(path.stat().st_size, progress,
                                           "message trace") as bar:
        handle = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        at = {name: header.index(name) for name in ("sender_address", "recipient_status",
                                                    "origin_timestamp") if name in header}
        if len(at) < 3:
            missing = sorted({"sender_address", "recipient_status", "origin_timestamp"} - set(at))
            raise DataError([Problem(path.name, "is not a message trace: the header lacks "
                                     + ", ".join(f"`{m}`" for m in missing) + ".", line=1)])
        s, r, t = at["sender_address"], at["recipient_status"], at["origin_timestamp"]
        width = max(s, r, t)
        for number, row in enumerate(reader, 1):
            if number % 65536 == 0:
                bar.n = raw.tell()
                bar.refresh()
            if len(row) <= width:
                continue
            stamp = _ISO.match(row[t].strip())
            wave = _wave(int(stamp.group(1)), int(stamp.group(2))) if stamp else ""
            recipients = [part.split("##", 1)[0].strip().lower()
                          for part in row[r].split(";") if part.strip()]
            ties.message(row[s].strip().lower(), recipients, wave)


# --------------------------------------------------------------------------- Slack

def _slack_files(path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of each JSON file of a Slack export, zip or folder."""
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            yield str(file.relative_to(path)), file.read_bytes()
        return
    try:
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if name.endswith(".json"):
                    yield name, archive.read(name)
    except (zipfile.BadZipFile, EOFError, OSError) as err:
        raise DataError([Problem(path.name, "is not a readable zip archive (it may be cut "
                                 f"short: {type(err).__name__}). Download the Slack export "
                                 "again, or give its unzipped folder.")]) from err


def _slack(path: Path, ties: _Counter, progress: bool) -> None:
    files = list(_slack_files(path))
    users = next((data for name, data in files if name.rsplit("/", 1)[-1] == "users.json"), None)
    if users is None:
        raise DataError([Problem(path.name, "has no users.json, so Slack users cannot be "
                                 "matched to e-mail addresses. Export the workspace again.")])
    try:
        email = {u["id"]: str(u.get("profile", {}).get("email", "")).lower()
                 for u in json.loads(users)}
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise DataError([Problem(path.name + "/users.json", "is not a Slack user list.")]) \
            from err
    day = re.compile(r"(^|/)\d{4}-\d{2}-\d{2}\.json$")
    for name, data in tqdm(files, desc="Slack", disable=not progress, leave=False):
        if not day.search(name):
            continue
        year, month = int(name[-15:-11]), int(name[-10:-8])
        try:
            messages = json.loads(data)
        except ValueError as err:
            raise DataError([Problem(name, "is not valid JSON (the export may be damaged).")]) \
                from err
        for m in messages if isinstance(messages, list) else []:
            user = m.get("user") if isinstance(m, dict) else None
            if not user:
                continue
            sender = email.get(user, f"slack:{user}")
            mentioned = {email.get(u, f"slack:{u}") for u in _MENTION.findall(str(m.get("text", "")))}
            replies = {email.get(u, f"slack:{u}") for u in m.get("reply_users", []) or []}
            wave = _wave(year, month)
            ties.message(sender, mentioned, wave)
            for replier in replies - {sender}:  # a reply addresses the thread's author
                ties.message(replier, [sender], wave)


# --------------------------------------------------------------------------- Viva Insights

_VIVA = (("primarycollaborator_personid", "secondarycollaborator_personid"),
         ("timeinvestor_personid", "collaborator_personid"))


def _viva(path: Path, ties: _Counter, progress: bool) -> None:
    with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        pair = next((p for p in _VIVA if p[0] in header and p[1] in header), None)
        if pair is None:
            raise DataError([Problem(path.name, "is not a Viva Insights person-to-person "
                                     "query: it needs PrimaryCollaborator_PersonId and "
                                     "SecondaryCollaborator_PersonId.", line=1)])
        a, b = header.index(pair[0]), header.index(pair[1])
        date = next((header.index(c) for c in ("metricdate", "date") if c in header), None)
        for row in tqdm(reader, desc="Viva Insights", disable=not progress, leave=False):
            if len(row) <= max(a, b):
                continue
            stamp = _ISO.match(row[date].strip()) if date is not None else None
            if date is not None and not stamp:  # 4/28/2024
                parts = re.match(r"(\d{1,2})/\d{1,2}/(\d{4})", row[date].strip())
                wave = _wave(int(parts.group(2)), int(parts.group(1))) if parts else ""
            else:
                wave = _wave(int(stamp.group(1)), int(stamp.group(2))) if stamp else ""
            ties.message(row[a].strip().lower(), [row[b].strip().lower()], wave)


# --------------------------------------------------------------------------- entry point

def _kind(path: Path) -> str:
    if path.is_dir():
        return "Slack"
    head = path.open("rb").read(4096) if path.exists() else b""
    if head.startswith(b"PK"):
        return "Slack"
    if head.startswith(b"From "):
        return "mbox"
    first = normalise(head.decode("utf-8-sig", "replace").split("\n", 1)[0])
    if "sender_address" in first:
        return "message trace"
    if "collaborator_personid" in first:
        return "Viva Insights"
    return ""


def import_ties(export: str | Path, people: str | Path, out: str | Path, *,
                broadcast: int = BROADCAST, progress: bool = False) -> TieImport:
    """Turn e-mail or chat metadata into ``network.csv`` between the people of PEOPLE.csv.

    Parameters
    ----------
    export
        An mbox file, a message-trace CSV, a Slack export (zip or folder) or a Viva
        Insights person-to-person query CSV. It is only read.
    people
        A CSV with ``respondent_id`` and ``email`` (a roster.csv will do).
    out
        The network.csv to write (``source``, ``target``, ``relation``, ``weight``,
        ``wave``), whole or not at all.
    broadcast
        Messages to more recipients than this are broadcasts: counted, not tied.
    progress
        Show a progress bar.

    Returns
    -------
    TieImport
        Counts of what was read, written and left out.

    Raises
    ------
    DataError
        An export of no known kind, a damaged archive, or a people file without
        ``respondent_id`` and ``email``.
    """
    source, people_path = Path(export), Path(people)
    if not source.exists():
        raise DataError([Problem(str(source), "does not exist.")])
    kind = _kind(source)
    if not kind:
        raise DataError([Problem(source.name, "is not an export import-ties knows: an mbox "
                                 "archive, a message-trace CSV (sender_address, "
                                 "recipient_status, origin_timestamp), a Slack export (zip or "
                                 "folder) or a Viva Insights person-to-person query CSV.")])
    counter = _Counter(_people(people_path), broadcast)
    if kind == "mbox":
        _mbox(source, counter, progress)
    elif kind == "message trace":
        _trace(source, counter, progress)
    elif kind == "Slack":
        _slack(source, counter, progress)
    else:
        _viva(source, counter, progress)
    relation = {"mbox": "email", "message trace": "email", "Slack": "chat",
                "Viva Insights": "collaboration"}[kind]
    target = Path(out)
    lines = ["source,target,relation,weight,wave\n"]
    lines += [f"{_cell(s)},{_cell(t)},{relation},{n},{w}\n"
              for (s, t, w), n in sorted(counter.ties.items())]
    from ..outputs import atomic_write_text

    atomic_write_text(target, "".join(lines))
    return TieImport(kind, target, counter.messages, len(counter.ties),
                     sum(counter.ties.values()), counter.broadcasts, counter.selfs,
                     len(counter.unmatched), counter.mentions, counter.undated)


def _cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n') else value


