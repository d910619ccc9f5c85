"""Time two versions of autograd_ref in one run, with one of the bench scripts:

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 \\
        python bench/compare.py BEFORE_DIR AFTER_DIR [--rounds 3] [--this-script] -- bench_engine.py --repeats 150

BEFORE_DIR and AFTER_DIR are two checkouts of the repository (``git worktree add /tmp/base HEAD``
makes one of the last commit). The script runs under each in turn, BEFORE, AFTER, BEFORE, AFTER, ...
for ``--rounds`` rounds, so that a slow spell of the machine hits both alike. Each run is the bench
script of that checkout's bench/ folder, or this checkout's when that one lacks it (or always,
with ``--this-script``: the same workload code for both, needed when the old script lacks a
workload or option), with the environment variable AUTOGRAD_REF_ROOT naming the checkout whose
autograd_ref it imports.

The markdown tables the script prints are read back, and for each workload one table shows
autograd_ref before and after: the median over rounds of its time, of its ratio to numpy and of
its ratio to PyTorch (ratios are measured within one run, so they hold up better than times when
the machine is busy), then after / before. Use ``--python`` to pick the interpreter (one with
torch, for the ratios to PyTorch).
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def script_path(checkout, script, this_script):
    """The bench script in ``checkout``'s bench/ folder, or this checkout's when it has none
    (or when ``this_script`` asks for it)."""
    path = os.path.join(checkout, "bench", script)
    return path if os.path.exists(path) and not this_script else os.path.join(HERE, script)


def run(python, checkout, command, this_script):
    """Standard output of ``command`` (a bench script and its arguments) run on ``checkout``'s autograd_ref."""
    script, *args = command
    path = script_path(checkout, script, this_script)
    env = dict(os.environ, AUTOGRAD_REF_ROOT=checkout)
    done = subprocess.run([python, path, *args], check=False, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        hint = "" if this_script else "\n(an older script? --this-script runs this checkout's under both)"
        sys.exit(f"{path} failed on {checkout}:\n{done.stdout}{done.stderr}{hint}")
    # Scripts of this version say which autograd_ref they imported; older ones do not.
    loaded = re.search(r"autograd_ref from (.+)$", done.stdout.splitlines()[0] if done.stdout else "")
    if loaded and os.path.realpath(loaded.group(1)) != os.path.realpath(checkout):
        sys.exit(f"{script} imported autograd_ref from {loaded.group(1)}, not from {checkout}")
    return done.stdout


def cells(line):
    """The cells of one markdown table row."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_tables(text):
    """{title: {implementation: {column: cell}}} for each table the bench scripts print.

    A table starts with a header whose first cell is "implementation"; its title is the line above.
    """
    lines = text.splitlines()
    tables = {}
    for i, line in enumerate(lines):
        if not line.startswith("| implementation |"):
            continue
        columns = cells(line)
        rows = {}
        for row in lines[i + 2:]:  # past the |---| line
            if not row.startswith("|"):
                break
            values = cells(row)
            rows[values[0]] = dict(zip(columns, values))
        tables[lines[i - 1].strip()] = rows
    return tables


def figures(rows, name):
    """The unit, and [median, ratio to numpy, ratio to PyTorch] of row ``name``; None where the table has none."""
    row = rows[name]
    median_column = next(column for column in row if column.startswith("median"))
    median = float(row[median_column])
    to_numpy = float(row["ratio to numpy"].rstrip("x")) if "ratio to numpy" in row else None
    torch_column = next((column for column in row if column.startswith("ratio to PyTorch")), None)
    if torch_column:
        to_torch = float(row[torch_column].rstrip("x"))
    elif "PyTorch eager" in rows:  # an older script without the column: from the medians
        to_torch = median / float(rows["PyTorch eager"][median_column])
    else:
        to_torch = None
    return median_column.removeprefix("median "), [median, to_numpy, to_torch]


def median_or_none(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def show(values, suffixes):
    """Table cells: each value with its suffix, or a dash where there is none."""
    return " | ".join("—" if v is None else f"{v:.2f}{suffix}" for v, suffix in zip(values, suffixes))


def print_comparison(results, units, before_dir, after_dir):
    """One table per workload, from ``results[title][implementation][side]``: figures per round."""
    for title, implementations in results.items():
        print(f"\n{title}")
        print(f"| implementation | median {units[title]} | ratio to numpy | ratio to PyTorch |")
        print("|---|---|---|---|")
        for name, sides in implementations.items():
            medians = {}
            for side, checkout in (("before", before_dir), ("after", after_dir)):
                rounds = sides.get(side, [])
                # The median over rounds of each column: time, ratio to numpy, ratio to PyTorch.
                medians[side] = [median_or_none(column) for column in zip(*rounds)] or [None] * 3
                print(f"| {name} {side} ({checkout}) | {show(medians[side], ('', 'x', 'x'))} |")
            change = [a / b if a is not None and b else None
                      for a, b in zip(medians["after"], medians["before"])]
            print(f"| {name} after / before | {show(change, ('', '', ''))} |")


def main():
    parser = argparse.ArgumentParser(
        usage="compare.py BEFORE_DIR AFTER_DIR [--rounds N] [--python PYTHON] [--this-script] -- SCRIPT [ARGS ...]",
        description=__doc__.splitlines()[0])
    parser.add_argument("before", help="the checkout with the old autograd_ref")
    parser.add_argument("after", help="the checkout with the new autograd_ref")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--python", default=sys.executable, help="the interpreter to run the script with")
    parser.add_argument("--this-script", action="store_true",
                        help="run this checkout's bench script under both (the same workload code)")
    argv = sys.argv[1:]
    if "--" not in argv:
        parser.error("give the bench script and its arguments after --")
    cut = argv.index("--")
    args, command = parser.parse_args(argv[:cut]), argv[cut + 1:]
    if not command:
        parser.error("give the bench script and its arguments after --")
    before, after = os.path.abspath(args.before), os.path.abspath(args.after)
    for checkout in (before, after):
        if not os.path.isdir(os.path.join(checkout, "autograd_ref")):
            parser.error(f"{checkout} has no autograd_ref folder")

    results = {}  # title -> autograd_ref row -> "before"/"after" -> figures per round
    units = {}  # title -> unit of its medians
    for round_ in range(1, args.rounds + 1):
        for side, checkout in (("before", before), ("after", after)):
            print(f"round {round_}/{args.rounds}: {side} ({checkout})", file=sys.stderr, flush=True)
            output = run(args.python, checkout, command, args.this_script)
            if round_ == 1 and side == "before":
                # The machine line, less the checkout it names: there are two.
                print(re.sub(r"; autograd_ref from .*$", "", output.splitlines()[0]))
            for title, rows in parse_tables(output).items():
                for name in rows:
                    if name.startswith("autograd_ref"):
                        units[title], values = figures(rows, name)
                        per_side = results.setdefault(title, {}).setdefault(name, {})
                        per_side.setdefault(side, []).append(values)
    print(f"{' '.join(command)}; rounds: {args.rounds}; figures are medians over rounds")
    print_comparison(results, units, before, after)


if __name__ == "__main__":
    main()
