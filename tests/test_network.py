"""The whole extraction runs with the network cut off: no socket is ever opened."""

import socket

import pytest
from conftest import CORPUS
from iro_evidence.extract import run_extract
from test_io import make_pdf


class NetworkUsed(AssertionError):
    pass


def _refuse(*args, **kwargs):
    raise NetworkUsed(f"network access attempted: {args[:2]}")


@pytest.fixture()
def no_network(monkeypatch):
    for name in ("socket", "create_connection", "getaddrinfo", "socketpair"):
        monkeypatch.setattr(socket, name, _refuse)
    with pytest.raises(NetworkUsed):  # the guard works
        socket.create_connection(("example.org", 80))


def test_extract_offline(no_network, tmp_path):
    import iro_evidence

    src = tmp_path / "in"
    src.mkdir()
    for f in sorted((CORPUS / "letters").glob("*_w01.txt")):
        (src / f.name).write_bytes(f.read_bytes())
    letter = (CORPUS / "letters" / "iro_w02.txt").read_text(encoding="utf-8").split("\n")
    (src / "iro_w02.pdf").write_bytes(make_pdf([letter[:30], letter[30:]]))
    (src / "scan.pdf").write_bytes(make_pdf([["x"]], text_layer=False))

    nlp = iro_evidence.load()  # assembled from the packaged config, here, with no network
    s = run_extract(nlp, [src], tmp_path / "out")
    assert s.letters == 5 and s.errors == 1 and s.facts > 100
    assert (tmp_path / "out" / "evidence.parquet").stat().st_size > 0
