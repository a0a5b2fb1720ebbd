"""``iro_assertion`` writes only the span values that differ from the extension defaults
into a Doc that holds none yet; what ``span._`` and the rows read stays the same, and a Doc
qualified again keeps no stale value."""

from iro_evidence.components.assertion import FLAG_ATTRS, OWN_EXTENSIONS
from iro_evidence.components.extensions import span_values

TEXT = "The claimant denies chest pain. Family history of diabetes. The MRI showed a small disc herniation."


def _span(doc, words):
    start = doc.text.index(words)
    return doc.char_span(start, start + len(words))


def _read(span) -> dict:
    return {attr: getattr(span._, attr) for _, attr in FLAG_ATTRS} | {"attribution": span._.attribution}


def _expected(flags: dict, who) -> dict:
    return {attr: flags[flag] for flag, attr in FLAG_ATTRS} | {"attribution": who}


def _before_assertion(nlp):
    """TEXT through every component but iro_assertion, and that component."""
    doc = nlp.make_doc(TEXT)
    for name, proc in nlp.pipeline:
        if name != "iro_assertion":
            doc = proc(doc)
    return doc, nlp.get_pipe("iro_assertion")


def test_fresh_doc_gets_only_values_that_differ_from_defaults(nlp):
    doc, comp = _before_assertion(nlp)
    targets = [_span(doc, "chest pain"), _span(doc, "diabetes"), _span(doc, "small disc herniation")]
    flags = comp.qualify_spans(doc, targets)
    assert flags[0]["negated"] and flags[1]["family"]
    written = [k for k in doc.user_data if type(k) is tuple and len(k) == 4 and k[1] in OWN_EXTENSIONS]
    assert written and all(doc.user_data[k] not in (False, None) for k in written)
    values = span_values(doc)
    for span, f in zip(targets, flags):
        read = _read(span)
        assert read == _expected(f, read["attribution"])
        stored = values.get((span.start_char, span.end_char), {})
        assert {k: v for k, v in read.items() if v not in (False, None)} == {
            k: v for k, v in stored.items() if k in OWN_EXTENSIONS
        }


def test_doc_qualified_again_keeps_no_stale_value(nlp):
    doc, comp = _before_assertion(nlp)
    pain = _span(doc, "chest pain")
    assert comp.qualify_spans(doc, [pain])[0]["negated"]
    # a user flag that the component does not set must not survive its run either
    pain._.is_possible = True
    flags = comp.qualify_spans(doc, [pain])[0]
    assert _read(pain) == _expected(flags, pain._.attribution)
    assert pain._.is_possible is False and pain._.is_negated is True
