"""`aiei`: the one command line of the State AI Economic Index.

The pipeline's commands come from `etl.cli`; this module adds the app's own (`serve`,
`briefing`). It sits above both layers, so `etl` never imports the app."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from etl.cli import add_pipeline_commands, new_parser, positive_int, run
from etl.config import settings


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in chosen if f not in ("pdf", "png")]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(f"{text!r}: formats are pdf and/or png")
    return chosen


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    parser, commands = new_parser()
    handlers = add_pipeline_commands(commands)
    serve = commands.add_parser(
        "serve",
        help="serve the dashboard (development server)",
        description="Serve the dashboard with Flask's development server. In production "
        "run gunicorn as the README shows.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    serve.add_argument("--port", type=positive_int, default=8050, help="port (default 8050)")
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
    return parser, handlers | {"serve": _cmd_serve, "briefing": _cmd_briefing}


def _cmd_serve(args: argparse.Namespace) -> None:
    from dashboard.app import create_app

    create_app().run(host=args.host, port=args.port, debug=args.debug)


def _cmd_briefing(args: argparse.Namespace) -> None:
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


def main(argv: Sequence[str] | None = None) -> int:
    parser, handlers = build_parser()
    return run(parser, handlers, argv)


if __name__ == "__main__":
    sys.exit(main())
