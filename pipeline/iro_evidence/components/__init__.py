"""One module per pipeline component; their factories live in ``iro_evidence.factories``."""
