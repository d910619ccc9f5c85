"""The report after a batch of grades (autograd_course/report.py): the terminal summary per part, summary.csv,
scores.svg and canvas.csv, from the toy course's grader run (tests/grading_fixtures)."""
import csv

import pytest

from test_grader import TOY_MAX, WRONG_GRAD, grade, make_submission

from autograd_course import report, results


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Three graded students (full, one part wrong, blank) and one folder with no notebook."""
    tmp = tmp_path_factory.mktemp("report")
    subs = tmp / "subs"
    make_submission(subs / "alice.ipynb")
    make_submission(subs / "bob.ipynb", WRONG_GRAD)
    make_submission(subs / "cara.ipynb", {"square": "def square(x):\n    raise NotImplementedError()",
                                          "grad_square": "def grad_square(x):\n    raise NotImplementedError()",
                                          "mean_grad": "def mean_grad(x):\n    raise NotImplementedError()"})
    (subs / "dan" / "toy").mkdir(parents=True)
    code, found = grade(tmp, subs / "alice.ipynb", subs / "bob.ipynb", subs / "cara.ipynb", subs / "dan" / "toy")
    assert code == 0
    return tmp / "out", found


def test_the_summary_gives_each_part_and_the_most_missed_and_says_who_was_not_graded(batch, capsys):
    out, found = batch
    summary = report.summarize(results.read_results(out, "toy"))
    assert summary.totals == {"alice": TOY_MAX, "bob": TOY_MAX - 3, "cara": 0.0}
    parts = {p.name: p for p in summary.parts}
    assert {name: p.max_points for name, p in parts.items()} == {"test_square": 2, "test_grad_square": 3,
                                                                 "test_mean_grad": 2}
    assert parts["test_grad_square"].scores == [3.0, 0.0, 0.0] and parts["test_grad_square"].full_marks == 1
    assert parts["test_square"].mean == pytest.approx(4 / 3) and parts["test_square"].median == 2
    assert [p.name for p in summary.most_missed()] == ["test_grad_square"]     # 1 of 3 full marks; the others 2
    text = summary.text()
    assert text.startswith("toy: 3 graded, 1 not graded")
    assert f"total (of {TOY_MAX:g}): mean {(2 * TOY_MAX - 3) / 3:.1f}, median {TOY_MAX - 3:g}" in text
    assert "test_grad_square       3    1.00       0     1 of 3" in text
    assert "most missed: test_grad_square (1 of 3 full marks)" in text
    assert "not graded: dan: no notebook (no notebook in the submitted folder toy)" in text


def test_the_grade_command_prints_the_summary_and_writes_the_report_files(batch):
    out, _ = batch
    rows = list(csv.DictReader(open(out / "summary.csv")))
    assert [r["part"] for r in rows] == ["test_square", "test_grad_square", "test_mean_grad", "total"]
    assert rows[1] == {"part": "test_grad_square", "points": "3", "mean": "1.000", "median": "0",
                       "full_marks": "1", "graded": "3"}
    assert rows[-1]["points"] == f"{TOY_MAX:g}" and rows[-1]["graded"] == "3"
    picture = (out / "scores.svg").read_text()
    assert picture.startswith("<svg") and picture.count("<rect") == 8 and "toy: 3 graded" in picture
    assert "<title>2 student(s)</title>" not in picture and picture.count("<title>1 student(s)</title>") == 3
    canvas = list(csv.reader(open(out / "canvas.csv")))
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "toy"]
    assert canvas[1] == ["Points Possible", "", "", "", "", f"{TOY_MAX:g}"]
    assert canvas[2:] == [["alice", "", "", "alice", "", f"{TOY_MAX:g}"], ["bob", "", "", "bob", "", f"{TOY_MAX - 3:g}"],
                          ["cara", "", "", "cara", "", "0"]]


def test_a_canvas_roster_gives_canvas_own_columns_and_refuses_unknown_students(batch, tmp_path):
    out, _ = batch
    summary = report.summarize(results.read_results(out, "toy"))
    roster = tmp_path / "export.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section,toy (4211),Final Score\n"
                      "    Points Possible,,,,,7,\n"
                      "\"Lovelace, Alice\",101,s101,alice,Sec 1,,\n"
                      "\"Babbage, Bob\",102,s102,bob,Sec 1,,\n"
                      "\"Cartwright, Cara\",103,s103,cara,Sec 2,,\n")
    path = report.write_canvas_csv(summary, tmp_path / "canvas.csv", roster)
    rows = list(csv.reader(open(path)))
    assert rows[0][-1] == "toy (4211)" and rows[2] == ["Lovelace, Alice", "101", "s101", "alice", "Sec 1",
                                                        f"{TOY_MAX:g}"]
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section\n\"Lovelace, Alice\",101,s101,alice,Sec 1\n")
    with pytest.raises(LookupError, match="2 graded student\\(s\\) are not in the Canvas roster .*: bob, cara"):
        report.write_canvas_csv(summary, tmp_path / "canvas2.csv", roster)
    roster.write_text("name,score\nalice,3\n")
    with pytest.raises(LookupError, match="is not a gradebook exported from Canvas"):
        report.write_canvas_csv(summary, tmp_path / "canvas3.csv", roster)
