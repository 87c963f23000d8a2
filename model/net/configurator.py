"""Command-line flags derived from the Config dataclass, in the spirit of nanoGPT's configurator.py.

    python -m model train --help        # one flag per Config field, with its help text and choices

Every field of model.net.config.Config becomes `--field-name`, typed from its annotation (int, float,
str, bool, tuple[int, ...] as '256,128,64', `X | None`), limited to its `choices` metadata and
described by its `help` metadata. A flag left out keeps the preset's value, so adding a field to
Config is all it takes to reach the CLI.
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing

from model.net.config import PRESETS, Config, ConfigError, parse_hidden


def _hidden_flag(text: str) -> tuple[int, ...]:
    try:
        return parse_hidden(text)
    except ConfigError as e:  # argparse shows only ArgumentTypeError messages as they are
        raise argparse.ArgumentTypeError(str(e)) from None


def flag_type(annotation) -> tuple[typing.Any, str]:
    """(argparse type, metavar) for a field's resolved annotation; TypeError if not supported."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):  # `int | None`: None = not given
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return flag_type(args[0])
    if typing.get_origin(annotation) is tuple and typing.get_args(annotation) == (int, ...):
        return _hidden_flag, "N,N,..."
    if annotation in (int, float, str):
        return annotation, {int: "N", float: "X", str: "S"}[annotation]
    raise TypeError(f"Config field type {annotation!r} has no command-line form; add one in model/net/configurator.py")


def preset_values(name: str) -> str:
    """'(presets: default 20, seed 10)', or '(presets: 0)' when they agree: for the help text."""

    def show(value):
        if value is None:
            return "unset"
        return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)

    values = {p: show(getattr(c, name)) for p, c in PRESETS.items()}
    if len(set(values.values())) == 1:
        return f"(presets: {next(iter(values.values()))})"
    return "(presets: " + ", ".join(f"{p} {v}" for p, v in values.items()) + ")"


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    """Add `--config PRESET` and one flag per Config field to `parser`."""
    parser.add_argument("--config", choices=list(PRESETS), default="default", help="preset the flags below change")
    hints = typing.get_type_hints(Config)
    for f in dataclasses.fields(Config):
        flag, help_text = "--" + f.name.replace("_", "-"), f"{f.metadata.get('help', '')} {preset_values(f.name)}"
        if hints[f.name] is bool:
            parser.add_argument(flag, dest=f.name, action=argparse.BooleanOptionalAction, help=help_text)
            continue
        kind, metavar = flag_type(hints[f.name])
        choices = f.metadata.get("choices")
        parser.add_argument(
            flag, dest=f.name, type=kind, choices=choices, metavar=None if choices else metavar, help=help_text
        )


def config_from_args(args: argparse.Namespace) -> Config:
    """The chosen preset with every given flag applied; raises ConfigError for out-of-range values."""
    return PRESETS[args.config].replace(**{f.name: getattr(args, f.name) for f in dataclasses.fields(Config)})
