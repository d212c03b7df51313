"""``culture-diagnostics import-ties``: hand-counted ties from tiny exports of every kind."""

from __future__ import annotations

import io
import json
import zipfile
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest

from diagnostics import DataError
from diagnostics.cli import main
from diagnostics.importing.ties import import_ties

PEOPLE = "respondent_id,email\nA,ann@x.example\nB,Bob@X.example\nC,cy@x.example\n"
SECRET = "Quarterly SECRET plan"


def _people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE)
    return path


def _network(path: Path) -> list[tuple]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(frame.columns) == ["source", "target", "relation", "weight", "wave"]
    frame["weight"] = frame["weight"].astype(int)
    return list(frame.itertuples(index=False, name=None))


MBOX = f"""From ann@x.example Mon Mar  3 09:00:00 2025
From: Ann <ANN@x.example>
To: bob@x.example,
  "Cy" <cy@x.example>
Subject: {SECRET}
Date: Mon, 3 Mar 2025 09:00:00 +0000

Body mentions dave@y.example and {SECRET}.
>From the archive.

From bob@x.example Tue Aug  5 10:00:00 2025
From: bob@x.example
To: ann@x.example
Cc: stranger@y.example
Date: Tue, 5 Aug 2025 10:00:00 +0000

Hi.

From ann@x.example Tue Aug  5 11:00:00 2025
From: ann@x.example
To: ann@x.example
Date: Tue, 5 Aug 2025 11:00:00 +0000

Note to self.

From ann@x.example Tue Aug  5 12:00:00 2025
From: ann@x.example
To: {", ".join(f"p{i}@x.example" for i in range(11))}
Date: Tue, 5 Aug 2025 12:00:00 +0000

All hands.

From ann@x.example Tue Mar  4 12:00:00 2025
From: ann@x.example
To: bob@x.example
Date: Tue, 4 Mar 2025 12:00:00 +0000

Again.
"""


def test_mbox_by_hand(tmp_path: Path) -> None:
    export = tmp_path / "mail.mbox"
    export.write_text(MBOX)
    out = tmp_path / "network.csv"
    result = import_ties(export, _people(tmp_path), out)
    assert _network(out) == [("A", "B", "email", 2, "2025-H1"), ("A", "C", "email", 1, "2025-H1"),
                             ("B", "A", "email", 1, "2025-H2")]
    assert (result.messages, result.broadcasts, result.self_messages) == (5, 1, 1)
    assert result.unmatched == 1  # stranger@y.example (the body's dave is never read)
    text = out.read_text() + result.summary()
    assert "stranger" not in text and SECRET not in text and "@" not in text


def test_message_trace_by_hand(tmp_path: Path) -> None:
    export = tmp_path / "trace.csv"
    export.write_text(
        "origin_timestamp,sender_address,recipient_status,message_subject\n"
        '2025-01-02T09:00:00.000Z,ann@x.example,"Bob@x.example##Receive, Deliver;'
        f'cy@x.example##Deliver",{SECRET}\n'
        "2025-07-02T09:00:00.000Z,cy@x.example,ann@x.example##Deliver;out@y.example##Deliver,x\n"
        "2025-07-03T09:00:00.000Z,cy@x.example,cy@x.example##Deliver,x\n")
    out = tmp_path / "network.csv"
    result = import_ties(export, _people(tmp_path), out)
    assert _network(out) == [("A", "B", "email", 1, "2025-H1"), ("A", "C", "email", 1, "2025-H1"),
                             ("C", "A", "email", 1, "2025-H2")]
    assert (result.messages, result.self_messages, result.unmatched) == (3, 1, 1)
    assert SECRET not in out.read_text()


def _slack(root: Path) -> None:
    (root / "general").mkdir(parents=True)
    (root / "users.json").write_text(json.dumps([
        {"id": "U1", "profile": {"email": "ann@x.example"}},
        {"id": "U2", "profile": {"email": "bob@x.example"}},
        {"id": "U3", "profile": {"email": "cy@x.example"}}]))
    (root / "channels.json").write_text(json.dumps([{"name": "general"}]))
    (root / "general" / "2025-02-01.json").write_text(json.dumps([
        {"user": "U1", "text": f"<@U2> {SECRET}", "ts": "1", "reply_users": ["U3", "U1"]},
        {"user": "U2", "text": "hello <@U9>", "ts": "2"}]))


def test_slack_folder_and_zip(tmp_path: Path) -> None:
    _slack(tmp_path / "export")
    expected = [("A", "B", "chat", 1, "2025-H1"), ("C", "A", "chat", 1, "2025-H1")]
    out = tmp_path / "network.csv"
    result = import_ties(tmp_path / "export", _people(tmp_path), out)
    assert _network(out) == expected and result.unmatched == 1
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in (tmp_path / "export").rglob("*.json"):
            z.write(f, f.relative_to(tmp_path / "export"))
    import_ties(archive, _people(tmp_path), tmp_path / "z.csv")
    assert _network(tmp_path / "z.csv") == expected
    cut = tmp_path / "cut.zip"
    cut.write_bytes(archive.read_bytes()[:60])
    with pytest.raises(DataError, match="not a readable zip archive"):
        import_ties(cut, _people(tmp_path), tmp_path / "c.csv")
    assert not (tmp_path / "c.csv").exists()


def test_viva_insights_by_hand(tmp_path: Path) -> None:
    export = tmp_path / "p2p.csv"
    export.write_text("PrimaryCollaborator_PersonId,SecondaryCollaborator_PersonId,MetricDate\n"
                      "ann@x.example,bob@x.example,2025-05-04\n"
                      "ann@x.example,bob@x.example,5/11/2025\n"
                      "cy@x.example,zed@y.example,2025-05-04\n")
    out = tmp_path / "network.csv"
    import_ties(export, _people(tmp_path), out)
    assert _network(out) == [("A", "B", "collaboration", 2, "2025-H1")]


def test_unknown_exports_and_people_get_clear_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01binary")
    with pytest.raises(DataError, match="is not an export import-ties knows"):
        import_ties(junk, _people(tmp_path), tmp_path / "n.csv")
    bad = tmp_path / "bad_people.csv"
    bad.write_text("id,mail\n1,a@x\n")
    (tmp_path / "m.mbox").write_text(MBOX)
    with pytest.raises(DataError, match="needs the column `respondent_id`"):
        import_ties(tmp_path / "m.mbox", bad, tmp_path / "n.csv")
    assert not (tmp_path / "n.csv").exists()


def test_cli_import_ties(tmp_path: Path) -> None:
    (tmp_path / "m.mbox").write_text(MBOX)
    buffer = io.StringIO()
    with redirect_stdout(buffer):
        code = main(["import-ties", str(tmp_path / "m.mbox"), "--people",
                     str(_people(tmp_path)), "--out", str(tmp_path / "n.csv"), "--quiet"])
    assert code == 0 and "Wrote 3 tie(s) (4 message(s))" in buffer.getvalue()
