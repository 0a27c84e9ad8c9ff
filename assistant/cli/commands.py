"""Command line: thin argparse wiring over the modules; every command has `--json`.

Feature areas register their own subcommands (cli_data, cli_corpus, cli_chat) so this file only
holds the index questions and the shared options.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.core.errors import AssistantError
from assistant.core.settings import Settings
from assistant.index.registry import AREA_IDS, OVERALL, Lang, metric_name

#: Modules that contribute subcommands through `register(subparsers)`.
COMMAND_MODULES = (
    "assistant.cli.data_commands", "assistant.cli.corpus_commands", "assistant.cli.chat_commands",
    "assistant.cli.doctor_commands", "assistant.cli.verify_commands",
    "assistant.cli.serve_commands",
)


def data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if getattr(args, "data_dir", None) else Settings.from_env().data_dir


def load_index(args: argparse.Namespace) -> Any:
    from assistant.index.digital_index import DigitalIndex  # imported here: pandas is heavy for `--help`

    return DigitalIndex.load(data_dir(args))


def emit_json(payload: object) -> None:
    print(json.dumps(payload, ensure_ascii=False, indent=None))


def fmt(value: float, lang: Lang, decimals: int = 1) -> str:
    from assistant.core.numbers import format_number

    return format_number(value, lang, decimals)


def figure_lines(index: Any, figures: list[dict[str, Any]], lang: Lang) -> list[str]:
    lines = []
    for f in figures:
        metric = metric_name(index.registry, f["metric"], lang)
        is_score = f["metric"] in (OVERALL, *AREA_IDS)
        unit = f["unit"] if is_score else index.registry.indicator(f["metric"]).unit_label(lang)
        of = "von" if lang == "de" else "of"
        tag = f" [{f['provenance']}]"
        lines.append(
            f"{f['municipality']:<24} {metric:<36} {fmt(f['value'], lang):>8} {unit:<26} "
            f"#{f['rank']} {of} {f['of']} ({f['year']}){tag}"
        )
    if any(f["provenance"] == "synthetic" for f in figures):
        lines.append(
            "Hinweis: enthält synthetische Demonstrationswerte." if lang == "de"
            else "Note: includes synthetic demonstration values."
        )
    return lines


def cmd_profile(args: argparse.Namespace) -> int:
    index = load_index(args)
    result = index.profile(args.name)
    if args.json:
        emit_json({"municipality": result.municipality.name, "ags": result.municipality.ags,
                   "figures": result.figures, "strengths": result.strengths, "weaknesses": result.weaknesses,
                   "group": result.group, "group_means": result.group_means})
        return 0
    town = result.municipality
    status = town.kreis if not town.kreisfrei else ("kreisfreie Stadt" if args.lang == "de" else "independent city")
    print(f"{town.name} ({status})")
    print("\n".join(figure_lines(index, result.figures, args.lang)))
    label = ("Stärken", "Schwächen") if args.lang == "de" else ("Strengths", "Weaknesses")
    print(f"{label[0]}: " + ", ".join(metric_name(index.registry, m, args.lang) for m in result.strengths[:4]))
    print(f"{label[1]}: " + ", ".join(metric_name(index.registry, m, args.lang) for m in result.weaknesses[:4]))
    return 0


def print_figures(index: Any, args: argparse.Namespace, figures: list[dict[str, Any]]) -> int:
    """`--json`: {"metric", "figures"} in the DESIGN 3.4 figure format; else one line per figure."""
    if args.json:
        emit_json({"metric": index.metric(args.metric), "figures": figures})
    else:
        print("\n".join(figure_lines(index, figures, args.lang)))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    index = load_index(args)
    return print_figures(index, args, index.compare(args.names, [args.metric]))


def cmd_rank(args: argparse.Namespace) -> int:
    index = load_index(args)
    figures = index.rank(args.metric, top=args.top, bottom=args.bottom, kreis=args.kreis,
                         kreisfrei=args.kreisfrei, population_class=args.population_class)
    return print_figures(index, args, figures)


def cmd_peers(args: argparse.Namespace) -> int:
    index = load_index(args)
    target = index.municipality(args.name)
    found = index.peers(args.name, args.k)
    if args.json:
        emit_json({"municipality": target.name, "peers": [
            {"ags": m.ags, "municipality": m.name, "kreisfrei": m.kreisfrei, "population": m.population,
             "density": round(m.density, 1), "distance": round(d, 3)} for m, d in found]})
        return 0
    for m, distance in found:
        density = fmt(m.density, args.lang, 0)
        print(f"{m.name:<24} {m.kreis:<22} {m.population:>8} {density:>7}/km²  d={fmt(distance, args.lang, 2)}")
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from assistant.index.analysis import explain

    index = load_index(args)
    target = index.municipality(args.name)
    result = explain(index.table, index.registry, target.ags)
    if args.json:
        emit_json({"municipality": target.name, "ags": target.ags, "overall": result.overall,
                   "areas": [vars(c) for c in result.areas], "indicators": [vars(c) for c in result.indicators]})
        return 0
    print(f"{target.name}: {fmt(result.overall, args.lang)} (Ruhr = 100)")
    for c in [*result.areas, *result.indicators]:
        sign = "+" if c.points >= 0 else "-"
        points = sign + fmt(abs(c.points), args.lang, 2)
        print(f"  {metric_name(index.registry, c.metric, args.lang):<40} {fmt(c.score, args.lang):>7}  {points}")
    return 0


def parse_weights(text: str) -> dict[str, float]:
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, raw = part.partition("=")
        if not sep:
            raise AssistantError(f"weight '{part}' must look like name=number, e.g. infrastruktur=2")
        try:
            weights[name.strip()] = float(raw.replace(",", "."))
        except ValueError as error:
            raise AssistantError(f"weight for '{name.strip()}' is not a number: {raw!r}") from error
    return weights


def cmd_whatif(args: argparse.Namespace) -> int:
    index = load_index(args)
    areas: dict[str, float] = {}
    indicators: dict[str, float] = {}
    for name, weight in parse_weights(args.weights).items():
        metric = index.metric(name)
        if metric == OVERALL:
            raise AssistantError("the overall index has no weight; weight areas or indicators")
        (areas if metric in AREA_IDS else indicators)[metric] = weight
    try:
        rows = index.what_if(areas, indicators)
    except ValueError as error:
        raise AssistantError(str(error)) from error
    if args.json:
        emit_json({"area_weights": areas, "indicator_weights": indicators, "ranking": rows})
        return 0
    for row in rows[: args.top]:
        print(f"{row['rank']:>3}. {row['municipality']:<24} {fmt(row['overall'], args.lang):>7} ({row['change']:+d})")
    return 0


def cmd_findings(args: argparse.Namespace) -> int:
    index = load_index(args)
    findings = index.registry.findings
    if args.json:
        emit_json({"findings": [{"id": f.id, "statement": f.statement(args.lang), "area": f.area,
                                 "source": f.source} for f in findings]})
        return 0
    for f in findings:
        source = index.registry.source(f.source)
        print(f"- {f.statement(args.lang)} ({source.url if source else f.source})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="Digital-Index Ruhr assistant")
    parser.add_argument("--data-dir", type=Path, default=None, help="index_data directory (default: bundled)")
    parser.add_argument("--lang", choices=["de", "en"], default=None,
                        help="answer language (default: German; ask/chat detect it per question)")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text)
        command.add_argument("--json", action="store_true", help="print JSON")
        command.set_defaults(handler=handler)
        return command

    add("profile", cmd_profile, "all values, scores and ranks of a municipality").add_argument("name")
    compare_cmd = add("compare", cmd_compare, "compare municipalities on a metric")
    compare_cmd.add_argument("names", nargs="+")
    compare_cmd.add_argument("--metric", default=OVERALL)
    rank_cmd = add("rank", cmd_rank, "ranking on a metric")
    rank_cmd.add_argument("metric")
    limit = rank_cmd.add_mutually_exclusive_group()
    limit.add_argument("--top", type=int)
    limit.add_argument("--bottom", type=int)
    rank_cmd.add_argument("--kreis")
    rank_cmd.add_argument("--kreisfrei", action="store_const", const=True, default=None)
    rank_cmd.add_argument("--kreisangehoerig", dest="kreisfrei", action="store_const", const=False)
    rank_cmd.add_argument("--population-class", choices=["small", "medium", "large", "city"])
    peers_cmd = add("peers", cmd_peers, "structurally similar municipalities")
    peers_cmd.add_argument("name")
    peers_cmd.add_argument("-k", type=int, default=5)
    add("explain", cmd_explain, "what pulls the overall index up or down").add_argument("name")
    whatif_cmd = add("whatif", cmd_whatif, "ranking under other weights")
    whatif_cmd.add_argument("--weights", required=True, help="e.g. infrastruktur=2,forschung=0.5")
    whatif_cmd.add_argument("--top", type=int, default=53)
    add("findings", cmd_findings, "published findings about the index")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.lang_given = args.lang is not None
    args.lang = args.lang or "de"
    try:
        code: int = args.handler(args)
    except AssistantError as error:
        print(f"Fehler: {error}" if args.lang == "de" else f"Error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
