"""``import-ties`` on a 1,000,000-message mbox and message trace, against the usual tools.

Both files are generated once in a temporary folder (``quick``: 20,000 messages): 5,000 people,
one to three recipients per message (2% broadcasts to 12-40, 1% self-messages, 5% outside
addresses), dates over 2025, a subject and a short body per mbox message. Then, each in a
fresh process so that its peak memory is its own:

- ``import_ties`` of the mbox, and Python's ``mailbox.mbox`` reading the same From, To, Cc
  and Date headers into the same counts (on 100,000 messages: see :func:`run`);
- ``import_ties`` of the message trace, and ``pandas.read_csv`` + split/explode/groupby.

The target is under 60 s and 1 GB for each full-size import; the rows report the ratio to
the alternative. Seconds are wall-clock (one run each: the files are large).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def write_files(folder: Path, *, messages: int, people: int = 5_000, seed: int = 0) -> None:
    """Write people.csv, mail.mbox and trace.csv of ``messages`` messages."""
    rng = np.random.default_rng(seed)
    emails = [f"person{i:05d}@org.example" for i in range(people)]
    (folder / "people.csv").write_text(
        "respondent_id,email\n" + "".join(f"E{i:05d},{e}\n" for i, e in enumerate(emails)))
    sender = rng.integers(0, people, messages)
    count = rng.choice([1, 2, 3], messages, p=[0.6, 0.3, 0.1])
    broadcast = rng.random(messages) < 0.02
    count[broadcast] = rng.integers(12, 40, broadcast.sum())
    month = rng.integers(1, 13, messages)
    day = rng.integers(1, 29, messages)
    selfish = rng.random(messages) < 0.01
    outside = rng.random(messages) < 0.05
    with (folder / "mail.mbox").open("w") as mbox, (folder / "trace.csv").open("w") as trace:
        trace.write("origin_timestamp,sender_address,recipient_status,message_subject,size\n")
        for i in range(messages):
            to = [emails[j] for j in rng.integers(0, people, count[i])]
            if selfish[i]:
                to = [emails[sender[i]]]
            if outside[i]:
                to[0] = f"someone{i}@elsewhere.example"
            frm = emails[sender[i]]
            mon = _MONTHS[month[i] - 1]
            mbox.write(f"From {frm} Mon {mon} {day[i]:2d} 09:00:00 2025\n"
                       f"From: Person <{frm}>\nTo: {', '.join(to)}\n"
                       f"Subject: Update {i} on the plan\n"
                       f"Date: Mon, {day[i]} {mon} 2025 09:{i % 60:02d}:00 +0000\n"
                       f"Message-ID: <{i}@org.example>\n\nHello,\nsee the notes for item {i}.\n\n")
            status = ";".join(f"{t}##Receive, Deliver" for t in to)
            trace.write(f'2025-{month[i]:02d}-{day[i]:02d}T09:00:00.0000000Z,{frm},"{status}",'
                        f"Update {i},{2000 + i % 500}\n")


_OURS = """
import json, sys, time
from diagnostics.importing.ties import import_ties
start = time.perf_counter(); cpu = time.process_time()
r = import_ties(sys.argv[1], sys.argv[2], sys.argv[3])
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "ties": r.ties, "weight": r.weight, "messages": r.messages}))
"""

_MAILBOX = """
import json, mailbox, sys, time
from collections import Counter
from email.utils import getaddresses, parsedate
start = time.perf_counter(); cpu = time.process_time()
people = dict(l.strip().split(",")[::-1] for l in open(sys.argv[2]).readlines()[1:])
ties = Counter(); n = 0
for msg in mailbox.mbox(sys.argv[1]):
    n += 1
    frm = getaddresses([msg.get("From", "")])[0][1].lower()
    to = {a.lower() for _, a in getaddresses(msg.get_all("To", []) + msg.get_all("Cc", []))}
    if len(to) > 10 or frm not in people:
        continue
    d = parsedate(msg.get("Date", ""))
    wave = f"{d[0]}-H{1 if d[1] <= 6 else 2}" if d else ""
    for t in to - {frm}:
        if t in people:
            ties[(people[frm], people[t], wave)] += 1
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "ties": len(ties), "weight": sum(ties.values()), "messages": n}))
"""

_PANDAS = """
import json, sys, time
import pandas as pd
start = time.perf_counter(); cpu = time.process_time()
people = pd.read_csv(sys.argv[2], dtype=str)
ids = dict(zip(people["email"].str.lower(), people["respondent_id"]))
t = pd.read_csv(sys.argv[1], dtype=str)
t["to"] = t["recipient_status"].str.split(";")
t["n"] = t["to"].str.len()
t = t[t["n"] <= 10].explode("to")
t["to"] = t["to"].str.split("##").str[0].str.lower()
t = t.reset_index().drop_duplicates(["index", "to"])
t["source"] = t["sender_address"].str.lower().map(ids)
t["target"] = t["to"].map(ids)
t["wave"] = t["origin_timestamp"].str[:4] + "-H" + (t["origin_timestamp"].str[5:7].astype(int) > 6).map({False: "1", True: "2"})
t = t.dropna(subset=["source", "target"])
t = t[t["source"] != t["target"]]
g = t.groupby(["source", "target", "wave"]).size()
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "ties": int(len(g)), "weight": int(g.sum()), "messages": -1}))
"""


def _child(code: str, *args: Path) -> tuple[dict, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code, *map(str, args)],
                            stdout=subprocess.PIPE, cwd=ROOT, text=True, env=env)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark child failed: {code[:60]!r}")
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def _row(name: str, path: Path, messages: int, result: dict, peak: float, **extra) -> dict:
    size = f"{messages:,} messages, {path.stat().st_size / 2**20:.0f} MB"
    return {"benchmark": name, "size": size, "seconds": round(result["seconds"], 2),
            "cpu_seconds": round(result["cpu"], 2), "peak_mb_process": round(peak, 1), **extra}


def run(quick: bool = False) -> list[dict]:
    """Time import-ties on an mbox and a message trace, and the usual alternative of each.

    ``mailbox.mbox`` needs about a quarter of a millisecond of CPU per message, so it is timed
    on a 100,000-message mbox (``quick``: 20,000) beside import-ties on the same file; the
    full-size rows time import-ties alone on 1,000,000 messages.
    """
    messages = 20_000 if quick else 1_000_000
    small = 20_000 if quick else 100_000
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        big, little = Path(tmp) / "big", Path(tmp) / "small"
        big.mkdir()
        write_files(big, messages=messages)
        if small != messages:
            little.mkdir()
            write_files(little, messages=small)
        else:
            little = big
        target = {"target_seconds": 60, "target_mb": 1024}
        for name in ("mail.mbox", "trace.csv"):
            ours, ours_mb = _child(_OURS, big / name, big / "people.csv", big / "out.csv")
            rows.append(_row(f"import-ties {name}", big / name, messages, ours, ours_mb,
                             ties=ours["ties"], **target))
        pairs = (("mail.mbox", _MAILBOX, "mailbox.mbox + email.utils", little, small),
                 ("trace.csv", _PANDAS, "pandas.read_csv + explode + groupby", big, messages))
        for name, alt, label, folder, n in pairs:
            ours, ours_mb = _child(_OURS, folder / name, folder / "people.csv",
                                   folder / "out.csv")
            theirs, theirs_mb = _child(alt, folder / name, folder / "people.csv")
            assert (ours["ties"], ours["weight"]) == (theirs["ties"], theirs["weight"]), \
                (ours, theirs)
            if n != messages:
                rows.append(_row(f"import-ties {name}", folder / name, n, ours, ours_mb))
            rows.append(_row(f"  {label}", folder / name, n, theirs, theirs_mb,
                             ratio_import_ties_to_this=round(ours["seconds"] / theirs["seconds"], 3),
                             cpu_ratio_import_ties_to_this=round(ours["cpu"] / theirs["cpu"], 3)))
    return rows


if __name__ == "__main__":  # pragma: no cover
    for row in run(quick="--quick" in sys.argv):
        print(row)
