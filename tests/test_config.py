"""One source for the config: the CLI's train flags and the Train form come from the Config dataclass."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from model import cli
from model.net.config import CHOICES, DEFAULT, PRESETS, Config, ConfigError, parse_hidden
from model.net.configurator import config_from_args

ROOT = Path(__file__).resolve().parent.parent
FIELDS = dataclasses.fields(Config)
# A valid config that differs from the default preset in every field that has a choice to make.
OTHER = Config(hidden=(64, 16), latent_activation="relu", architecture="vae", beta=0.25, loss="mse",
               optimizer="sgd", learning_rate=0.01, lr_schedule="constant", batch_size=64, epochs=3, seed=7,
               dataset="fashion-mnist", subset=500, activation="relu", adam_beta2=0.9, warmup_epochs=1, augment="mild")  # fmt: skip


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def as_text(value) -> str:
    return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)


def test_train_help_lists_every_config_field():
    """`python -m model train --help` shows a flag, the help text and the choices of every Config field."""
    p = subprocess.run([sys.executable, "-m", "model", "train", "--help"], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)  # fmt: skip
    assert p.returncode == 0, p.stderr
    text = " ".join(p.stdout.split())  # argparse wraps lines
    for f in FIELDS:
        assert flag(f.name) in text, f.name
        assert " ".join(f.metadata["help"].split()) in text, f.name
        for choice in f.metadata.get("choices", ()):
            assert str(choice) in text


def test_every_flag_reaches_the_config():
    """Each field's flag, given a value other than the preset's, sets exactly that value in the Config."""
    changed = [f.name for f in FIELDS if getattr(OTHER, f.name) != getattr(DEFAULT, f.name)]
    assert set(changed) == {f.name for f in FIELDS} - {n for n, c in CHOICES.items() if len(c) == 1}
    argv = ["train", "--out", "unused"]
    for name in changed:
        argv += [flag(name), as_text(getattr(OTHER, name))]
    assert config_from_args(cli.parse_args(argv)) == OTHER


def test_flags_left_out_keep_the_preset():
    """With no field flags, train uses the chosen preset whole."""
    for name, preset in PRESETS.items():
        assert config_from_args(cli.parse_args(["train", "--config", name, "--out", "x"])) == preset


@pytest.mark.parametrize(
    "text, sizes", [("256, 128, 64", (256, 128, 64)), ("32", (32,)), ("128,64,", (128, 64)), (" 8 ,4", (8, 4))]
)
def test_parse_hidden(text, sizes):
    """Hidden sizes typed with or without spaces (CLI and Train form alike) become a tuple of ints."""
    assert parse_hidden(text) == sizes


@pytest.mark.parametrize("text", ["a,b", "1.5", "12;4"])
def test_parse_hidden_refuses_non_numbers(text):
    """Anything but whole numbers and commas is one plain ConfigError with an example."""
    with pytest.raises(ConfigError, match="comma-separated list of layer sizes"):
        parse_hidden(text)


def test_choice_fields_are_validated_from_choices():
    """A value outside a field's choices is refused with the allowed values listed."""
    with pytest.raises(ConfigError, match=r"optimizer must be one of \('adam'"):
        dataclasses.replace(DEFAULT, optimizer="lbfgs")


def test_train_form_covers_every_field_and_round_trips_presets():
    """The Train form has a widget value for every Config field and turns each preset back into itself."""
    from ui import train_form

    assert set(train_form.PRESET_LABELS.values()) == set(PRESETS)
    for preset in PRESETS.values():
        values = train_form.preset_values(preset)
        back = {f.name: train_form.from_widget(f.name, values[train_form.widget_key(f.name)])
                for f in FIELDS if f.name not in train_form.USER_FIELDS}  # fmt: skip
        assert dataclasses.replace(preset, **back) == preset
        assert all(isinstance(values[train_form.widget_key(n)], float) for n in ("beta", "learning_rate"))


def test_a_new_field_reaches_the_cli_without_editing_it(monkeypatch):
    """A field added to Config (here a float and a bool, on a subclass) gets a typed flag with its help text."""
    import argparse

    from model.net import configurator

    extra = [("dropout", float, dataclasses.field(default=0.0, metadata={"help": "dropout rate"})),
             ("batch_norm", bool, dataclasses.field(default=False, metadata={"help": "batch norm"}))]  # fmt: skip
    Bigger = dataclasses.make_dataclass("Bigger", extra, bases=(Config,))
    monkeypatch.setattr(configurator, "Config", Bigger)
    monkeypatch.setattr(configurator, "PRESETS", {"default": Bigger(hidden=(64,)), "seed": Bigger()})
    parser = argparse.ArgumentParser()
    configurator.add_config_flags(parser)
    assert "dropout rate" in parser.format_help() and "--no-batch-norm" in parser.format_help()
    config = configurator.config_from_args(parser.parse_args(["--dropout", "0.2", "--batch-norm", "--epochs", "2"]))
    assert (config.dropout, config.batch_norm, config.epochs, config.hidden) == (0.2, True, 2, (64,))


def test_a_field_type_without_a_flag_form_is_a_clear_error():
    """A field type the configurator cannot parse fails loudly, naming the place to add it."""
    from model.net.configurator import flag_type

    with pytest.raises(TypeError, match="configurator"):
        flag_type(dict[str, int])


def test_train_form_draws_a_new_field_under_more_options(monkeypatch, tmp_path, fresh_st_caches):
    """A field added to Config appears under the Train page's More options, and its value reaches the Config."""
    from streamlit.testing.v1 import AppTest

    from ui import train_form

    extra = [("dropout", float, dataclasses.field(default=0.0, metadata={"help": "dropout rate"})),
             ("norm", str, dataclasses.field(default="none", metadata={"help": "normalisation",
                                                                          "choices": ("none", "batch")}))]  # fmt: skip
    Bigger = dataclasses.make_dataclass("Bigger", extra, bases=(Config,))
    for name, value in [("Config", Bigger), ("FIELDS", {f.name: f for f in dataclasses.fields(Bigger)}),
                        ("HINTS", {**train_form.HINTS, "dropout": float, "norm": str}),
                        ("PRESETS", {"default": Bigger(hidden=(64,)), "seed": Bigger()})]:  # fmt: skip
        monkeypatch.setattr(train_form, name, value)
    built = []
    config_ui = train_form.config_ui
    monkeypatch.setattr(train_form, "config_ui", lambda: built.append(config_ui()) or built[-1])
    monkeypatch.setenv("LATENT_EXPLORER_MODELS", str(tmp_path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/train.py").run()
    assert not at.exception, at.exception
    assert "More options" in [e.label for e in at.expander]
    at.number_input(key="train_dropout").set_value(0.25).run()
    at.selectbox(key="train_norm").select("batch").run()
    config, error = built[-1]
    assert error is None and (config.dropout, config.norm, config.hidden) == (0.25, "batch", (64,))


@pytest.mark.parametrize("key", ["/", "../../etc/passwd", "a\nb", "x" * 200])
def test_unknown_config_key_is_refused_without_echoing_it(key):
    """A hostile key in a model's config is refused in one line that never repeats a path or a newline."""
    with pytest.raises(ConfigError) as e:
        Config.from_dict({**DEFAULT.to_dict(), key: 1})
    assert "/" not in str(e.value) and "\n" not in str(e.value) and "x" * 50 not in str(e.value)
