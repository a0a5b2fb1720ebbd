def test_defined_abbreviations_get_long_forms(nlp):
    doc = nlp(
        "A functional capacity evaluation (FCE) was done on 3/4/12. The FCE placed him at a "
        "sedentary level. An electromyography/nerve conduction velocity (EMG/NCV) study followed."
    )
    got = {(s.text, s._.iro["long_form"].lower()) for s in doc.spans["abbreviations"]}
    assert ("FCE", "functional capacity evaluation") in got


def test_checkbox_words_are_no_abbreviations(nlp):
    doc = nlp("REVIEW OUTCOME:\n\n[X] Upheld (Agree)\n[ ] Overturned (Disagree)\n")
    assert [s.text for s in doc.spans["abbreviations"]] == []
