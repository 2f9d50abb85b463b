"""The pipeline's commands (`sources`, `fetch`, `build`) and the runner every `aiei` command
shares. The `aiei` program itself (`dashboard/cli.py`) adds the app's commands on top, so
the pipeline never depends on the app; `python -m etl.cli` runs the pipeline alone."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence

from etl.config import settings
from etl.errors import UserFacingError
from etl.sources.options import FetchOptions

DESCRIPTION = """\
State AI Economic Index: what people use AI for, state by state, joined with the jobs
people hold (Anthropic Economic Index x O*NET x BLS OEWS).

Environment: AIEI_MIRROR (a directory laid out as MIRROR/HOST/PATH, used before the
network), AIEI_DATA_DIR (outputs; default ./data of the checkout), AIEI_CONTACT (e-mail
sent in the User-Agent; BLS refuses anonymous requests)."""

Command = Callable[[argparse.Namespace], int | None]  # an exit code, or None for 0
TIMED = ("fetch", "build", "briefing")  # commands that end with "done in N s"


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _fetch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--offline",
        action="store_true",
        help="never use the network; only the cache and AIEI_MIRROR",
    )
    parser.add_argument(
        "--accept-changed",
        nargs="+",
        default=[],
        metavar="SOURCE_ID",
        help="accept these sources' files although their checksum differs from the one "
        "pinned in data/sources.lock.json (never a checksum the registry knows)",
    )
    parser.add_argument(
        "--workers",
        type=positive_int,
        default=4,
        metavar="N",
        help="concurrent downloads (default 4)",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")


def _source_ids(args: argparse.Namespace, ids: list[str], flag: str) -> list[str]:
    from etl.sources.registry import sources_by_id

    unknown = [i for i in ids if i not in sources_by_id()]
    if unknown:
        raise SystemExit(
            f"aiei {args.command}: {flag}: unknown source id(s) {unknown}; "
            "run `aiei sources` to list them"
        )
    return ids


def _options(args: argparse.Namespace, refresh: bool = False) -> FetchOptions:
    return FetchOptions(
        offline=args.offline,
        refresh=refresh,
        accept_changed=frozenset(_source_ids(args, args.accept_changed, "--accept-changed")),
        workers=args.workers,
        progress=not args.no_progress,
    )


def new_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = argparse.ArgumentParser(
        prog="aiei",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser, parser.add_subparsers(dest="command", required=True, metavar="COMMAND")


def add_pipeline_commands(commands: argparse._SubParsersAction) -> dict[str, Command]:
    """Declare `sources`, `fetch`, `build` and `releases`; return their handlers by name."""
    commands.add_parser(
        "sources",
        help="list every upstream file the product uses",
        description="List the source registry: id, release, URL, licence.",
    )

    fetch = commands.add_parser(
        "fetch",
        help="download upstream files into data/raw (cache, mirror, then network)",
        description="Fetch upstream files into the URL-addressed cache data/raw/HOST/PATH. "
        "Files already cached are verified against data/sources.lock.json and "
        "not downloaded again.",
    )
    fetch.add_argument(
        "ids",
        nargs="*",
        metavar="SOURCE_ID",
        help="only these sources (see `aiei sources`); default all",
    )
    fetch.add_argument(
        "--refresh",
        action="store_true",
        help="fetch again even if cached, to detect upstream changes",
    )
    _fetch_arguments(fetch)

    build = commands.add_parser(
        "build",
        help="fetch, read and validate every source, then build the marts",
        description="Run the pipeline: fetch (no download when cached), read and validate "
        "each source into data/staging/<table>.parquet, then build the marts in "
        "data/processed/ (Parquet, CSV, data dictionary, manifest). Nothing is rebuilt "
        "when no source file and no pipeline code changed.",
    )
    build.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    build.add_argument(
        "--allow-loss",
        nargs="+",
        default=[],
        metavar="SOURCE_ID",
        help="let these sources' files remove waves, states or values the current build has "
        "(the build refuses otherwise)",
    )
    build.add_argument(
        "--refresh",
        action="store_true",
        help="fetch every file again (mirror, then network) to detect upstream changes",
    )
    _fetch_arguments(build)

    releases = commands.add_parser(
        "releases",
        help="ask the Hugging Face Hub for new AEI releases and changed upstream files",
        description="Compare the AEI dataset's file tree on the Hub (AIEI_HF_ENDPOINT, "
        "default https://huggingface.co) with the registry and the lock file: new release "
        "folders, changed, pinned-but-old and vanished files. Exit 0: nothing new; 3: "
        "something is new or changed; 1: the Hub could not be read. "
        "See docs/adding-a-release.md.",
    )
    releases.add_argument(
        "--json", action="store_true", help="print a machine-readable report instead"
    )
    changes = commands.add_parser(
        "changes",
        help="what moved between the last two builds (files, waves, headline numbers)",
        description="Compare the current build with the one before it: the upstream files "
        "whose checksum changed, the waves added or removed, and every state's headline "
        "numbers (AUI and rank, usage share and rank, automation share, exposure) that moved.",
    )
    changes.add_argument("--json", action="store_true", help="the report as JSON")
    return {
        "sources": _cmd_sources,
        "fetch": _cmd_fetch,
        "build": _cmd_build,
        "releases": _cmd_releases,
        "changes": _cmd_changes,
    }


def _cmd_sources(args: argparse.Namespace) -> None:
    from etl.sources.registry import sources

    for source in sources():
        print(f"{source.id:<26} {source.release:<26} {source.url}")
        print(f"{'':<26} licence: {source.licence}")


def _cmd_fetch(args: argparse.Namespace) -> None:
    from etl.sources.fetch import fetch_sources
    from etl.sources.registry import sources_by_id

    registered = sources_by_id()
    unknown = [i for i in args.ids if i not in registered]
    if unknown:
        raise SystemExit(
            f"aiei fetch: unknown source id(s) {unknown}; run `aiei sources` to list them"
        )
    chosen = [registered[i] for i in args.ids] if args.ids else list(registered.values())
    results = fetch_sources(chosen, settings(), _options(args, refresh=args.refresh))
    for result in results:
        print(f"{result.origin:<8} {result.bytes:>12,} B  {result.sha256[:12]}  {result.source_id}")
    downloaded = sum(r.downloaded for r in results)
    print(
        f"{len(results)} files, {downloaded} downloaded or copied, "
        f"{len(results) - downloaded} from the cache"
    )


def _cmd_changes(args: argparse.Namespace) -> None:
    from etl.changes import compare, format_text, last_two

    previous, current = last_two(settings().builds_dir)
    changes = compare(previous, current)
    print(changes.to_json() if args.json else format_text(changes))


def _cmd_build(args: argparse.Namespace) -> None:
    from etl.build import build

    build(
        settings(),
        _options(args, refresh=args.refresh),
        force=args.force,
        allow_loss=frozenset(_source_ids(args, args.allow_loss, "--allow-loss")),
    )


def _cmd_releases(args: argparse.Namespace) -> int:
    from etl.sources.releases import EXIT_FINDINGS, check_releases, format_text

    report = check_releases(settings())
    print(report.to_json() if args.json else format_text(report))
    return EXIT_FINDINGS if report.has_findings else 0


def run(
    parser: argparse.ArgumentParser,
    handlers: dict[str, Command],
    argv: Sequence[str] | None = None,
) -> int:
    """Parse, run one command, and turn a user-facing failure into one line and exit 1.
    A handler may return its own exit code (`releases` returns 3 when it found something)."""
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        exit_code = handlers[args.command](args)
    except UserFacingError as exc:
        print(f"aiei {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            f"aiei {args.command}: interrupted; nothing half-written was kept",
            file=sys.stderr,
        )
        return 130
    if args.command in TIMED:
        print(f"done in {time.perf_counter() - started:.1f} s")
    return exit_code or 0


def main(argv: Sequence[str] | None = None) -> int:
    parser, commands = new_parser()
    return run(parser, add_pipeline_commands(commands), argv)


if __name__ == "__main__":
    sys.exit(main())
