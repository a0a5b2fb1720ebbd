"""The ``iro-evidence`` command: extract | evaluate | show | build | spark."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Clinical evidence tables from independent-review decision letters.",
)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"iro-evidence {version('iro-evidence')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    # imports stay inside the commands: --help and --version load no spaCy, pandas or pyarrow
    pass


def _nlp(model: Path | None):
    from .api import load

    return load(model)


@app.command()
def extract(
    paths: list[Path] = typer.Argument(
        ..., help="Letter files (.txt, .pdf) or folders (searched recursively)."
    ),
    out: Path = typer.Option(..., "-o", "--out", help="Output folder for the tables."),
    n_process: int = typer.Option(1, "--n-process", "-n", help="Worker processes for nlp.pipe."),
    model: Path = typer.Option(
        None, "--model", help="A saved pipeline folder (default: the packaged config)."
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Skip letters already in OUT's outputs or in an interrupted run's journal."
    ),
    max_mb: float = typer.Option(
        50.0, "--max-mb", help="Files larger than this (MB) are reported, not read."
    ),
    max_chars: int = typer.Option(
        5_000_000, "--max-chars", help="Letters with more characters than this are reported, not processed."
    ),
    letter_seconds: float = typer.Option(
        300.0, "--letter-timeout", help="Seconds one letter may take before it is reported as an error."
    ),
    letter_memory: float = typer.Option(
        4000.0, "--letter-memory-mb", help="Memory (MB) a worker may use on one letter before it is stopped."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks instead of one-line errors."),
) -> None:
    """Extract cases.jsonl/.csv/.parquet, evidence.csv/.parquet and errors.csv into OUT, with
    run.json (what made them) and manifest.json (their checksums, written last).

    Exit code 0 when at least one letter was processed (bad files, and files skipped, are
    listed in errors.csv); 1 when nothing could be read or the run failed; 2 for usage
    errors and when another run is using OUT; 130, 143 or 129 when stopped by Ctrl-C,
    SIGTERM or SIGHUP (rerun with --resume to go on).
    """
    import math

    from rich.console import Console
    from rich.markup import escape
    from rich.progress import Progress

    from .extract import Guards, run_extract
    from .io import discover
    from .run import OutputBusy, check_free

    console = Console(stderr=True, soft_wrap=True)  # one line per message, however long
    missing = [str(p) for p in paths if not p.exists() and not p.is_symlink()]
    if missing:
        console.print(f"[red]No such file or folder:[/red] {escape(', '.join(missing))}")
        raise typer.Exit(2)
    if out.exists() and not out.is_dir():
        console.print(f"[red]The output path is a file, not a folder:[/red] {escape(str(out))}")
        raise typer.Exit(2)
    if model is not None and not model.is_dir():
        console.print(f"[red]No pipeline folder at --model[/red] {escape(str(model))}")
        raise typer.Exit(2)
    numbers = (max_mb, letter_seconds, letter_memory)
    if n_process < 1 or max_chars < 1 or not all(math.isfinite(x) and x > 0 for x in numbers):
        console.print(
            "[red]--n-process, --max-mb, --max-chars, --letter-timeout and --letter-memory-mb "
            "must be positive numbers.[/red]"
        )
        raise typer.Exit(2)
    try:
        check_free(out)
    except OutputBusy as e:
        console.print(f"[red]{escape(str(e))}[/red]")
        raise typer.Exit(2) from None
    total = len(discover(paths))
    if total == 0:
        console.print("[red]No .txt or .pdf letters found.[/red] (see the folder's contents)")
        raise typer.Exit(1)
    try:
        nlp = _nlp(model)
        with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
            task = bar.add_task("letters", total=total)
            summary = run_extract(
                nlp,
                paths,
                out,
                n_process=n_process,
                progress=lambda n: bar.advance(task, n),
                resume=resume,
                max_bytes=int(max_mb * 1_000_000),
                debug=debug,
                guards=Guards(letter_seconds, letter_memory),
                max_chars=max_chars,
            )
    except OutputBusy as e:
        console.print(f"[red]{escape(str(e))}[/red]")
        raise typer.Exit(2) from None
    except KeyboardInterrupt as e:
        if debug:
            raise
        signum = getattr(e, "signum", 2)
        what = "Interrupted" if signum == 2 else f"Stopped ({e})"
        console.print(
            f"[yellow]{what}: previous outputs (if any) were left untouched; "
            "finished letters are kept for --resume.[/yellow]"
        )
        raise typer.Exit(128 + signum) from None
    except Exception as e:
        if debug:
            raise
        console.print(f"[red]extract failed:[/red] {escape(type(e).__name__)}: {escape(str(e))}")
        console.print("Run again with --debug to see where.")
        raise typer.Exit(1) from None
    _say(summary.line())
    if summary.errors or summary.skipped:
        console.print(
            f"{summary.errors} file(s) could not be read, {summary.skipped} skipped: "
            f"see {escape(str(out / 'errors.csv'))}"
        )
    if summary.letters + summary.resumed == 0:
        raise typer.Exit(1)


@app.command()
def evaluate(
    gold: Path = typer.Argument(..., help="Folder of gold/*.json records."),
    letters: Path = typer.Option(None, "--letters", help="Folder of letters to run the pipeline on."),
    pred: Path = typer.Option(None, "--pred", help="A cases.jsonl written by extract."),
    errors: bool = typer.Option(False, "--errors", help="List every miss and false alarm."),
    model: Path = typer.Option(None, "--model", help="A saved pipeline folder."),
) -> None:
    """Score predictions against gold per field (precision, recall, F1) as GOLD_FORMAT.md says."""
    from rich.console import Console
    from rich.table import Table

    from . import evaluate as ev

    def usage(msg: str, code: int = 2):
        typer.echo(msg, err=True)
        raise typer.Exit(code)

    if (letters is None) == (pred is None):
        usage("Give exactly one of --letters or --pred.")
    if not gold.is_dir():
        usage(f"No gold folder at {gold}")
    if pred is not None and not pred.is_file():
        usage(f"No such file: --pred {pred}")
    if pred is not None and pred.suffix.lower() != ".jsonl":
        usage(f"--pred takes the cases.jsonl that extract writes, not {pred.name}")
    if letters is not None and not letters.exists():
        usage(f"No such file or folder: --letters {letters}")
    try:
        gold_recs = ev.load_gold(gold)
        preds = ev.load_pred(pred) if pred else ev.predict_letters(letters, _nlp(model))
    except ev.EvaluationError as e:
        usage(str(e), 1)
    if not gold_recs:
        usage(f"No gold records (*.json) in {gold}: nothing to compare.", 1)
    matched = len(set(gold_recs) & set(preds))
    if matched == 0:
        usage(
            f"No gold case matched a prediction ({len(gold_recs)} gold, {len(preds)} predicted): "
            "are the gold folder and the letters the same cases?",
            1,
        )
    counts = ev.score(gold_recs, preds)
    missing = len(gold_recs) - matched
    t = Table(title=f"{len(gold_recs)} gold cases: {matched} matched, {missing} missing from the predictions")
    for col in ("field", "precision", "recall", "F1", "tp", "fp", "fn"):
        t.add_column(col, justify="left" if col == "field" else "right")
    for r in ev.table(counts):
        fmt = lambda v: "" if v is None else f"{v:.3f}"
        t.add_row(
            r["field"],
            fmt(r["precision"]),
            fmt(r["recall"]),
            fmt(r["f1"]),
            *("" if r[k] is None else str(r[k]) for k in ("tp", "fp", "fn")),
        )
    Console().print(t)
    if errors:
        for f, c in counts.items():
            for cid, what, value in c.misses:
                print(f"{f}\t{cid}\t{what}\t{value}")


@app.command()
def show(
    letter: Path = typer.Argument(..., help="One letter file (.txt or .pdf)."),
    html: Path = typer.Option(..., "--html", help="Write a displaCy page here."),
    style: str = typer.Option(
        "ent",
        "--style",
        help="ent: one fact per stretch of text, line breaks kept; span: every fact, overlaps too.",
    ),
    model: Path = typer.Option(None, "--model", help="A saved pipeline folder."),
) -> None:
    """Write a displaCy page of one letter: its case record, then each section with its facts
    coloured by kind and labelled with their assertion (negated, not documented, ...)."""
    from .extract import process_doc
    from .io import InputError, read_letter
    from .visualize import render_html

    if style not in ("ent", "span"):
        typer.echo(f"--style must be ent or span, not {style!r}", err=True)
        raise typer.Exit(2)
    if not letter.is_file():
        typer.echo(f"No such file: {letter}", err=True)
        raise typer.Exit(2)
    try:
        text = read_letter(letter)
    except InputError as e:
        typer.echo(f"Cannot read {letter}: {e.reason}", err=True)
        raise typer.Exit(1) from None
    doc = _nlp(model)(text)
    rows, record = process_doc(doc, letter.stem, str(letter))
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(render_html(doc, style, title=letter.stem, record=record), encoding="utf-8")
    print(f"wrote {html} ({len(rows)} facts, outcome {record['outcome']})")


@app.command()
def build(out: Path = typer.Argument(Path("models/iro_evidence"))) -> None:
    """Assemble the pipeline from config.cfg and save it (same as `spacy assemble`)."""
    if out.exists() and not out.is_dir():
        typer.echo(f"The output path is a file, not a folder: {out}", err=True)
        raise typer.Exit(2)
    if not out.parent.is_dir():
        typer.echo(f"The folder {out.parent} does not exist: create it first.", err=True)
        raise typer.Exit(2)
    nlp = _nlp(None)
    try:
        nlp.to_disk(out)
    except OSError as e:
        typer.echo(f"Cannot save the pipeline to {out}: {e.strerror or e}", err=True)
        raise typer.Exit(1) from None
    _say(f"saved {out}")


@app.command()
def spark(
    paths: list[Path] = typer.Argument(..., help="Letter files (.txt, .pdf) or folders."),
    out: Path = typer.Option(..., "-o", "--out", help="Output folder."),
    master: str = typer.Option("local[*]", "--master", help="Spark master URL."),
    model: Path = typer.Option(None, "--model", help="A saved pipeline folder visible to executors."),
) -> None:
    """Extract with Spark (needs the 'spark' extra and Java): OUT/cases/, OUT/evidence/
    (Parquet folders) and OUT/errors.csv. Files are read on the executors."""
    import os

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        typer.echo(f"No such file or folder: {', '.join(missing)}", err=True)
        raise typer.Exit(2)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        typer.echo("pyspark is not installed: pip install 'iro-evidence[spark]'", err=True)
        raise typer.Exit(2) from None
    import csv
    import shutil

    from .spark import extract_files

    java_home = os.environ.get("JAVA_HOME")
    if not shutil.which("java") and not (java_home and Path(java_home, "bin", "java").exists()):
        typer.echo("Spark needs Java: install a JDK (17 or 21) or set JAVA_HOME.", err=True)
        raise typer.Exit(2)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        session = SparkSession.builder.master(master).appName("iro-evidence").getOrCreate()
    except Exception as e:
        msg = " ".join(str(e).split())[:200]
        typer.echo(f"Spark did not start ({type(e).__name__}: {msg}); is Java working?", err=True)
        raise typer.Exit(2) from None
    try:
        problems: list[dict] = []
        cases, evidence, errors = extract_files(session, paths, model=model, problems=problems)
        out.mkdir(parents=True, exist_ok=True)
        cases.write.mode("overwrite").parquet(str(out / "cases"))
        evidence.write.mode("overwrite").parquet(str(out / "evidence"))
        bad = errors.collect()
        with open(out / "errors.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(errors.columns)
            w.writerows([[""] + [p[c] for c in errors.columns[1:]] for p in problems])
            w.writerows([list(r) for r in bad])
        n = session.read.parquet(str(out / "cases")).count()
    finally:
        session.stop()
    _say(f"{n} letters, {len(bad)} errors -> {out}")
    if n == 0:
        raise typer.Exit(1)


def _say(line: str) -> None:
    """Print to stdout; a stdout that cannot be written (a full disk, /dev/full) is a usage
    error of one line, not a traceback (the outputs on disk are complete)."""
    try:
        print(line)
        sys.stdout.flush()
    except OSError as e:
        import os

        sys.stdout = open(os.devnull, "w")  # nothing more to flush at exit
        typer.echo(f"Cannot write to standard output: {e.strerror or e}", err=True)
        raise typer.Exit(2) from None


def main() -> None:  # pragma: no cover
    app(prog_name="iro-evidence")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
