"""``cartqa`` command line: ``index``, ``ask``, ``serve``, ``eval``.

Answers go to stdout, logs and progress to stderr; errors exit 1 with one line.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time

from cartqa.errors import CartqaError

log = logging.getLogger("cartqa")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cartqa", description="Offline question answering over your documents.")
    p.add_argument("-v", "--verbose", action="store_true", help="log more to stderr")
    sub = p.add_subparsers(dest="command", required=True)

    def dirs(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--corpus", default=None, help="corpus folder (default $CARTQA_CORPUS or ./corpus)")
        sp.add_argument("--index", default=None, help="index folder (default $CARTQA_INDEX or ./index)")

    def mode(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--mode", default=None, help="extractive (default, or $CARTQA_MODE), generative (a local "
                        "model writes the answer, checked against the passages) or free (unchecked, to measure)")

    sp = sub.add_parser("index", help="build or update the index (only changed files are re-embedded)")
    dirs(sp)
    sp.add_argument("--watch", action="store_true",
                    help="keep watching the corpus folder and update the index after each change (Ctrl-C stops)")
    sp.add_argument("--shard", default=None, metavar="I/N",
                    help="build only the files of shard I of N (0 <= I < N), to split a large build (docs/milvus.md)")
    sp.add_argument("--reuse", nargs="+", default=(), metavar="INDEX",
                    help="take vectors, parses and terms from these index folders (the shards) instead of computing them")
    sp = sub.add_parser("ask", help="answer one question")
    sp.add_argument("question")
    dirs(sp)
    mode(sp)
    sp.add_argument("--json", action="store_true", help="print the answer as JSON")
    sp = sub.add_parser("serve", help="start the chat in the browser (like python app.py)")
    sp.add_argument("--host", default=None, help="address to bind (default 127.0.0.1 or $GRADIO_SERVER_NAME)")
    sp.add_argument("--port", type=int, default=None, help="port (default 7860 or $GRADIO_SERVER_PORT)")
    sp = sub.add_parser("eval", help="score answers on a gold question set")
    sp.add_argument("file", nargs="+", help="one or more gold question sets (JSON Lines)")
    dirs(sp)
    mode(sp)
    sp.add_argument("--json", action="store_true", help="print the figures as JSON")
    sp.add_argument("--failures", action="store_true", help="list wrong answers and refusals on stderr")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        return _COMMANDS[args.command](args)
    except CartqaError as exc:
        print(f"cartqa: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def configure_logging(verbose: bool = False) -> None:
    """Warnings (info with ``-v``) to stderr. The level sits on the handler too: a library that
    sets its own logger to DEBUG (bm25s does) must not print into normal output."""
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)


def _index(args) -> int:
    from cartqa import config
    from cartqa.index.build import build_index

    corpus, index = config.corpus_dir(args.corpus), config.index_dir(args.index)
    if args.watch:
        from cartqa.app.watch import watch_index

        watch_index(corpus, index, config.embedder_name(), say=lambda line: print(line, flush=True))
        return 0
    from cartqa.index.shards import parse_shard

    shard = parse_shard(args.shard) if args.shard else None
    report = build_index(corpus, index, embedder=config.embedder_name(), shard=shard, reuse=args.reuse)
    print(report.summary())
    return 0


def _ask(args) -> int:
    from cartqa.pipeline.qa import answer

    a = answer(args.question, args.corpus, args.index, mode=args.mode)
    if args.json:
        print(json.dumps(a.to_json(), ensure_ascii=False, indent=1))
    else:
        print(a.text)
        if a.marked:  # a passage: the span the chat would mark in it
            print(f"  likeliest span: {a.marked}")
        for n, s in enumerate(a.sources[:1 if a.found else 3]):
            where = f"{s.doc}, {s.location}" if s.location else s.doc  # "report.pdf, p. 4"
            # the answer's sentence is the first source's; the others are shown as retrieved
            print(f"  [{where}] {a.sentence if a.sentence and n == 0 else s.text}", file=sys.stdout)
    return 0 if a.found else 2


def _serve(args) -> int:
    from cartqa.app.ui import launch

    launch(host=args.host, port=args.port)
    return 0


def _eval(args) -> int:
    from cartqa.evaluation import metrics as evaluation
    from cartqa.pipeline.qa import answer

    gold = [g for path in args.file for g in evaluation.load_gold(path)]
    t0 = time.perf_counter()
    answer(gold[0].question, args.corpus, args.index, mode=args.mode)  # cold start: index check, model loads
    cold = time.perf_counter() - t0
    outcomes = evaluation.run(gold, lambda q: answer(q, args.corpus, args.index, mode=args.mode))
    figures = evaluation.report(outcomes)
    report = {**figures, "cold_start_s": round(cold, 2), "via": evaluation.paths(outcomes),
              "calibration": evaluation.calibration(outcomes)}
    if args.failures:
        print("\n".join(evaluation.failures(outcomes)), file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        for name in [*(k for k in figures if k not in ("en", "it", "all")), "en", "it", "all"]:
            print(f"{name:>3}: " + "  ".join(f"{k}={v}" for k, v in report[name].items()))
        print(f"cold start: {report['cold_start_s']} s")
        print("calibration (confidence -> share right): " + "  ".join(
            f"{b['predicted']:.2f}->{b['right']:.2f} (n={b['n']})" for b in report["calibration"]))
        if set(report["via"]) != {"extractive"}:
            print("via: " + "  ".join(f"{k}={v}" for k, v in report["via"].items()))
    return 0


_COMMANDS = {"index": _index, "ask": _ask, "serve": _serve, "eval": _eval}

if __name__ == "__main__":
    sys.exit(main())
