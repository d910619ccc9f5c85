"""What a batch of grades says, for the instructor: a summary in the terminal, ``summary.csv`` (one row per
part), ``scores.svg`` (a histogram of the totals) and ``canvas.csv`` (Canvas's gradebook import format).

    report = summarize(read_results("grades/ex01", "ex01_scalar_engine"))
    print(report.text())
    write_report(report, "grades/ex01", roster=None)     # summary.csv, scores.svg, canvas.csv

A part is one autograded cell of the notebook (what nbgrader's gradebook shows); its points are the sum of
its hidden tests'. Only submissions that were graded count in the statistics; the others are listed with the
reason the grader gave.
"""

from __future__ import annotations

import csv
import html
import io
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from .results import cell_scores, write_atomic

# A part that fewer than this share of the graded students got full marks on is "most missed".
MOSTLY_MISSED = 0.5


@dataclass
class Part:
    """One autograded cell: its points and what the graded submissions earned there."""

    name: str
    max_points: float
    scores: list[float] = field(default_factory=list)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.scores) if self.scores else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.scores) if self.scores else 0.0

    @property
    def full_marks(self) -> int:
        return sum(1 for s in self.scores if s >= self.max_points - 1e-9)


@dataclass
class Report:
    assignment: str
    max_score: float
    totals: dict[str, float]                 # student -> score, graded submissions only
    parts: list[Part]
    ungraded: dict[str, str]                 # student -> "status (why)"
    not_for_grades: bool = False

    def most_missed(self, limit: int = 3) -> list[Part]:
        """The parts the fewest students got full marks on (below MOSTLY_MISSED of them), worst first."""
        n = len(self.totals)
        if not n:
            return []
        missed = [p for p in self.parts if p.full_marks < MOSTLY_MISSED * n]
        return sorted(missed, key=lambda p: (p.full_marks / n, p.mean / (p.max_points or 1)))[:limit]

    def text(self) -> str:
        """The summary printed after a batch."""
        n = len(self.totals)
        scores = list(self.totals.values())
        lines = [f"{self.assignment}: {n} graded, {len(self.ungraded)} not graded"
                 + (" (NOT GRADES: the fallback sandbox)" if self.not_for_grades else "")]
        if n:
            lines.append(f"  total (of {self.max_score:g}): mean {statistics.fmean(scores):.1f}, median "
                         f"{statistics.median(scores):g}, lowest {min(scores):g}, highest {max(scores):g}, "
                         f"full marks {sum(1 for s in scores if s >= self.max_score - 1e-9)}")
            width = max(len(p.name) for p in self.parts) if self.parts else 4
            lines.append(f"  {'part'.ljust(width)}  points    mean  median  full marks")
            for p in self.parts:
                lines.append(f"  {p.name.ljust(width)}  {p.max_points:6g}  {p.mean:6.2f}  {p.median:6g}  "
                             f"{p.full_marks:4d} of {n}")
            missed = self.most_missed()
            if missed:
                lines.append("  most missed: " + ", ".join(
                    f"{p.name} ({p.full_marks} of {n} full marks)" for p in missed))
        for student, why in sorted(self.ungraded.items()):
            lines.append(f"  not graded: {student}: {why}")
        return "\n".join(lines)


def summarize(results: list[dict]) -> Report:
    """The report of a batch of Gradescope-style results (``results.read_results``) of one assignment."""
    if not results:
        raise ValueError("no results to summarize")
    first = results[0]["extra_data"]
    parts: dict[str, Part] = {}
    for test in _first_graded(results)["tests"]:
        cell = test.get("extra_data", {}).get("cell") or test["name"]
        part = parts.setdefault(cell, Part(cell, 0.0))
        part.max_points += float(test["max_score"])
    totals, ungraded = {}, {}
    for result in results:
        extra = result["extra_data"]
        if extra["status"] != "graded":
            why = "; ".join(extra.get("notes") or []) or extra["status"]
            ungraded[extra["student"]] = f"{extra['status']} ({why})"
            continue
        totals[extra["student"]] = float(result["score"])
        earned = cell_scores(result)
        for part in parts.values():
            part.scores.append(earned.get(part.name, 0.0))
    return Report(assignment=first["assignment"], max_score=float(first["max_score"]), totals=totals,
                  parts=list(parts.values()), ungraded=ungraded,
                  not_for_grades=not all(r["extra_data"].get("for_grades", True) for r in results))


def _first_graded(results: list[dict]) -> dict:
    return next((r for r in results if r["extra_data"]["status"] == "graded"), results[0])


# ---- files ------------------------------------------------------------------------------------------------

def write_report(report: Report, out_dir: str | Path, roster: str | Path | None = None) -> list[Path]:
    """``summary.csv``, ``canvas.csv`` and ``scores.svg`` in ``out_dir``; returns the paths."""
    out_dir = Path(out_dir)
    return [write_summary_csv(report, out_dir / "summary.csv"),
            write_canvas_csv(report, out_dir / "canvas.csv", roster),
            write_histogram(report, out_dir / "scores.svg")]


def write_summary_csv(report: Report, path: Path) -> Path:
    """One row per part: points, mean, median, full marks, graded submissions."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["part", "points", "mean", "median", "full_marks", "graded"])
    for p in report.parts:
        writer.writerow([p.name, f"{p.max_points:g}", f"{p.mean:.3f}", f"{p.median:g}", p.full_marks,
                         len(p.scores)])
    scores = list(report.totals.values())
    writer.writerow(["total", f"{report.max_score:g}", f"{statistics.fmean(scores):.3f}" if scores else "",
                     f"{statistics.median(scores):g}" if scores else "",
                     sum(1 for s in scores if s >= report.max_score - 1e-9), len(scores)])
    return write_atomic(path, buffer.getvalue())


CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def write_canvas_csv(report: Report, path: Path, roster: str | Path | None = None) -> Path:
    """Canvas's gradebook import format: the student columns, then one column named after the assignment (a
    new column makes Canvas create the assignment; name an existing one ``Name (id)`` as Canvas exports it),
    a ``Points Possible`` row, and a row per graded student. A student is written by the grader's id as
    ``SIS Login ID``; with ``roster`` (a gradebook CSV exported from Canvas) the rows are matched to it by
    SIS Login ID or ID, and take Canvas's own student columns and the assignment's column name from it.
    Students not graded are left out: enter those by hand."""
    column = report.assignment
    known: dict[str, dict] = {}
    if roster is not None:
        column, known = _read_roster(Path(roster), report.assignment)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CANVAS_COLUMNS + [column])
    writer.writerow(["Points Possible", "", "", "", "", f"{report.max_score:g}"])
    missing = []
    for student, score in sorted(report.totals.items()):
        row = known.get(student)
        if roster is not None and row is None:
            missing.append(student)
            continue
        cells = [row.get(c, "") for c in CANVAS_COLUMNS] if row else [student, "", "", student, ""]
        writer.writerow(cells + [f"{score:g}"])
    if missing:
        raise LookupError(f"{len(missing)} graded student(s) are not in the Canvas roster {roster} (by SIS Login "
                          f"ID or ID): {', '.join(missing[:10])}; check the ids, or grade without --canvas-roster")
    return write_atomic(path, buffer.getvalue())


def _read_roster(path: Path, assignment: str) -> tuple[str, dict[str, dict]]:
    """(the assignment's column name in Canvas, {login or id: the student's Canvas columns})."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise LookupError(f"cannot read the Canvas roster {path}: {e.strerror}") from None
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not set(CANVAS_COLUMNS[:2]) <= set(rows[0]):
        raise LookupError(f"{path} is not a gradebook exported from Canvas (its header has no Student and ID "
                          "columns)")
    column = next((c for c in rows[0] if c == assignment or c.startswith(assignment + " (")), assignment)
    known = {}
    for row in rows:
        if not row.get("ID") or row.get("Student", "").strip() in ("Points Possible", "Student, Test"):
            continue
        for key in (row.get("SIS Login ID"), row.get("ID")):
            if key:
                known[key.strip()] = row
    return column, known


def write_histogram(report: Report, path: Path) -> Path:
    """A histogram of the graded totals, as an SVG picture (drawn here: no plotting library to load, so it
    costs the batch nothing)."""
    scores = list(report.totals.values())
    top = max(report.max_score, 1.0)
    bins = max(1, min(20, int(report.max_score) + 1))
    counts = [0] * bins
    for score in scores:
        counts[min(bins - 1, int(score / top * bins))] += 1
    width, height, left, bottom = 480, 240, 40, 40
    bar = (width - left - 10) / bins
    tallest = max(counts) if any(counts) else 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="11">',
             f'<text x="{width / 2}" y="14" text-anchor="middle">{html.escape(report.assignment)}: '
             f'{len(scores)} graded</text>']
    for i, count in enumerate(counts):
        h = (height - bottom - 36) * count / tallest
        x, y = left + i * bar, height - bottom - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 1:.1f}" height="{h:.1f}" fill="#1f77b4">'
                     f'<title>{count} student(s)</title></rect>')
        if count:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{count}</text>')
    axis = height - bottom
    parts.append(f'<line x1="{left}" y1="{axis}" x2="{width - 10}" y2="{axis}" stroke="black"/>')
    for value in (0, report.max_score / 2, report.max_score):
        x = left + (width - left - 10) * value / top
        parts.append(f'<text x="{x:.1f}" y="{axis + 14}" text-anchor="middle">{value:g}</text>')
    parts.append(f'<text x="{width / 2}" y="{height - 8}" text-anchor="middle">score (of '
                 f'{report.max_score:g}); bar height: students</text></svg>')
    return write_atomic(path, "\n".join(parts) + "\n")
