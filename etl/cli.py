"""`aiei`: the one command line of the State AI Economic Index."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from etl.config import settings
from etl.errors import UserFacingError
from etl.sources.fetch import FetchOptions, fetch_sources
from etl.sources.registry import SOURCES, SOURCES_BY_ID

DESCRIPTION = """\
State AI Economic Index: what people use AI for, state by state, joined with the jobs
people hold (Anthropic Economic Index x O*NET x BLS OEWS).

Environment: AIEI_MIRROR (a directory laid out as MIRROR/HOST/PATH, used before the
network), AIEI_DATA_DIR (outputs; default ./data of the checkout), AIEI_CONTACT (e-mail
sent in the User-Agent; BLS refuses anonymous requests)."""


def _fetch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--offline",
        action="store_true",
        help="never use the network; only the cache and AIEI_MIRROR",
    )
    parser.add_argument(
        "--accept-changed",
        action="store_true",
        help="accept upstream files whose checksum differs from the pinned one",
    )
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=4,
        metavar="N",
        help="concurrent downloads (default 4)",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def _options(args: argparse.Namespace, refresh: bool = False) -> FetchOptions:
    return FetchOptions(
        offline=args.offline,
        refresh=refresh,
        accept_changed=args.accept_changed,
        workers=args.workers,
        progress=not args.no_progress,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aiei", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

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
        "data/processed/ (Parquet, CSV, data dictionary, manifest). Steps whose "
        "inputs did not change are skipped.",
    )
    build.add_argument("--force", action="store_true", help="rebuild every table")
    _fetch_arguments(build)

    serve = commands.add_parser(
        "serve",
        help="serve the dashboard (development server)",
        description="Serve the dashboard with Flask's development server. In production "
        "run: gunicorn dashboard.app:server",
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    serve.add_argument("--port", type=_positive_int, default=8050, help="port (default 8050)")
    serve.add_argument("--debug", action="store_true", help="Dash debug mode (never in production)")
    briefing = commands.add_parser(
        "briefing",
        help="one-page state briefings (US Letter) as PDF and PNG",
        description="Render one-page briefings for legislators from the built marts, with "
        "one browser for the whole batch. Example: aiei briefing IN OH "
        "--format pdf,png --out briefings/",
    )
    briefing.add_argument(
        "states", nargs="*", metavar="STATE", help="USPS codes of the 50 states or DC (e.g. IN OH)"
    )
    briefing.add_argument("--all", action="store_true", help="all 51")
    briefing.add_argument(
        "--format",
        default="pdf,png",
        type=_formats,
        help="comma-separated: pdf, png (default both)",
    )
    briefing.add_argument("--wave", help="AEI wave YYYY-MM (default: the latest)")
    briefing.add_argument("--out", default="briefings", help="output folder (default ./briefings)")
    return parser


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in chosen if f not in ("pdf", "png")]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(f"{text!r}: formats are pdf and/or png")
    return chosen


def _cmd_briefing(args: argparse.Namespace) -> None:
    from pathlib import Path

    from dashboard.briefing.render import render_briefings
    from dashboard.data import Marts
    from dashboard.urls import BadParameter, state_code, wave_id
    from etl.geo import US_51

    if args.all == bool(args.states):
        raise SystemExit("aiei briefing: name one or more states (e.g. IN OH) or use --all")
    try:
        states = list(US_51) if args.all else [state_code(s) for s in args.states]
        data = Marts(settings().processed_dir)
        wave = wave_id(args.wave, data.waves)
    except BadParameter as exc:
        raise SystemExit(f"aiei briefing: {exc}") from None
    out = Path(args.out)
    rendered = render_briefings(data, states, wave, out, args.format, log=print)
    total = sum(r.seconds for r in rendered)
    print(
        f"{len(rendered)} briefing(s) for wave {wave} in {out} "
        f"[{total:.1f} s rendering, {total / max(1, len(rendered)):.2f} s each]"
    )


def _cmd_sources(args: argparse.Namespace) -> None:
    for source in SOURCES:
        print(f"{source.id:<26} {source.release:<26} {source.url}")
        print(f"{'':<26} licence: {source.licence}")


def _cmd_fetch(args: argparse.Namespace) -> None:
    unknown = [i for i in args.ids if i not in SOURCES_BY_ID]
    if unknown:
        raise SystemExit(
            f"aiei fetch: unknown source id(s) {unknown}; run `aiei sources` to list them"
        )
    chosen = [SOURCES_BY_ID[i] for i in args.ids] if args.ids else list(SOURCES)
    results = fetch_sources(chosen, settings(), _options(args, refresh=args.refresh))
    for result in results:
        print(f"{result.origin:<8} {result.bytes:>12,} B  {result.sha256[:12]}  {result.source_id}")
    downloaded = sum(r.downloaded for r in results)
    print(
        f"{len(results)} files, {downloaded} downloaded or copied, "
        f"{len(results) - downloaded} from the cache"
    )


def _cmd_build(args: argparse.Namespace) -> None:
    from etl.build import build

    build(settings(), _options(args), force=args.force)


def _cmd_serve(args: argparse.Namespace) -> None:
    from dashboard.app import serve

    serve(host=args.host, port=args.port, debug=args.debug)


COMMANDS = {
    "sources": _cmd_sources,
    "fetch": _cmd_fetch,
    "build": _cmd_build,
    "serve": _cmd_serve,
    "briefing": _cmd_briefing,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    try:
        COMMANDS[args.command](args)
    except UserFacingError as exc:
        print(f"aiei {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"aiei {args.command}: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130
    if args.command in ("fetch", "build", "briefing"):
        print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
