"""displaCy views: sections as titles, facts by kind, assertion in the label; `iro-evidence show`."""

import subprocess
import sys

import pytest
from conftest import CORPUS, ROOT
from iro_evidence import visualize
from test_factories import TEXT


@pytest.fixture(scope="module")
def doc(nlp):
    return nlp(TEXT)


def test_ent_view_has_sections_values_and_assertion(doc):
    data = visualize.ent_data(doc)
    titles = [d["title"].split(" (")[0] for d in data]
    assert titles == [
        "§ review_date",
        "§ service",
        "§ reviewer",
        "§ outcome",
        "§ clinical_history",
        "§ analysis",
    ]
    ents = {}
    for d in data:
        last = 0
        for e in d["ents"]:
            assert e["start"] >= last, "ent style cannot draw overlaps"
            last = e["end"]
            ents[d["text"][e["start"] : e["end"]]] = (e["label"], e["kb_id"])
    assert ents["spinal stenosis"] == ("CONCEPT negated", "stenosis")
    assert ents["weakness"][0].endswith("not documented")
    assert ents["myelopathy"] == ("CONCEPT hypothetical", "myelopathy")
    assert ents["2.5 mm"][0] == "MEASUREMENT"
    assert ents["C5-6"] == ("LEVEL", "C5-C6")
    html = visualize.render_markup(doc, "ent")
    assert "CONCEPT negated" in html and "§ clinical_history" in html
    assert visualize.ASSERTED_COLOR in html and visualize.UNCERTAIN_COLOR in html


def test_span_view_keeps_every_fact_including_overlaps(doc):
    data = visualize.span_data(doc)
    drawn = sum(len(d["spans"]) for d in data)
    assert drawn == len(visualize.facts(doc))
    for d in data:
        for s in d["spans"]:
            assert 0 <= s["start_token"] < s["end_token"] <= len(d["tokens"])
    # "stenosis" is both a finding and part of the concept "spinal stenosis": both drawn
    labels = [s["label"] for d in data for s in d["spans"]]
    assert "FINDING negated" in labels and "CONCEPT negated" in labels
    html = visualize.render_markup(doc, "span")
    assert "FINDING negated" in html


def test_page_has_the_case_record_and_a_legend(doc):
    page = visualize.render_html(doc, "ent", title="written")
    assert page.startswith("<!DOCTYPE html>")
    assert "orthopedic surgery" in page and "upheld" in page
    assert "negated / not documented" in page


def test_unknown_style_is_refused(doc):
    with pytest.raises(ValueError):
        visualize.render_markup(doc, "dep")


def show(*args):
    return subprocess.run(
        [sys.executable, "-m", "iro_evidence.cli", "show", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_show_writes_a_page(tmp_path):
    out = tmp_path / "views" / "iro_w01.html"
    r = show(str(CORPUS / "letters" / "iro_w01.txt"), "--html", str(out), "--style", "span")
    assert r.returncode == 0, r.stderr
    assert "facts" in r.stdout
    page = out.read_text("utf-8")
    assert "<h1>iro_w01</h1>" in page and "§ clinical_history" in page
    assert "CONCEPT negated" in page


def test_show_usage_errors(tmp_path):
    r = show(str(tmp_path / "missing.txt"), "--html", str(tmp_path / "x.html"))
    assert r.returncode == 2 and "No such file" in r.stderr
    letter = CORPUS / "letters" / "iro_w01.txt"
    r = show(str(letter), "--html", str(tmp_path / "x.html"), "--style", "dep")
    assert r.returncode == 2
    assert not (tmp_path / "x.html").exists()
