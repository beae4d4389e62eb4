"""The typed detection options (``detection/options.py``): one definition, one validation, one default rule.

Every rule of :meth:`DetectOptions.validate` has a case here (each fails with one sentence naming the option), the
worker's JSON round trip keeps every field, the command line's choices and names are the core's, and
``resolve_overrides`` is the one place a value left empty becomes the model card's.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math

import pytest

from landslide_mapper.cli import NOT_OPTIONS, build_parser, detect_options
from landslide_mapper.detection import options as opts
from landslide_mapper.detection.options import (
    DetectOptions,
    Execution,
    Overrides,
    max_processes,
    resolve_overrides,
)
from landslide_mapper.errors import InputError
from landslide_mapper.model.card import default_card
from landslide_mapper.model.config import ModelConfig


def good(**values) -> DetectOptions:
    return DetectOptions.from_flat(**{"optical": "a.tif", "output": "out.gpkg", **values})


BAD = [
    ({"optical": ()}, "no optical image"),
    ({"optical": ("a.tif", "b.tif")}, "three single-band"),
    ({"dem": ("a.tif", "b.tif")}, "one scene takes one DEM"),
    ({"bands": (0, 2, 1)}, "band numbers"),
    ({"scenes": True, "aoi": "area.gpkg"}, "area of interest applies to one scene"),
    ({"scenes": True, "probability": "p.tif"}, "single-scene runs only"),
    ({"output": ""}, "no output file"),
    ({"layer": " "}, "layer name must not be empty"),
    ({"probability": "p.png"}, "must be a GeoTIFF"),
    ({"engine": "tensorflow"}, "engine must be one of auto, torch, onnx"),
    ({"device": "tpu"}, "device must be one of auto, cpu, cuda"),
    ({"tta": "rotate"}, "test-time augmentation must be one of none, flips, d4"),
    ({"resolution": 0.0}, "processing resolution must be > 0"),
    ({"resolution": -1.0}, "processing resolution must be > 0"),
    ({"resolution": math.nan}, "processing resolution must be a finite number"),
    ({"tile": 0}, "tile size must be a multiple of 32"),
    ({"tile": 100}, "tile size must be a multiple of 32"),
    ({"tile": 128.5}, "tile size must be a whole number"),
    ({"overlap": -1}, "overlap must be >= 0"),
    ({"threshold": 0.0}, "threshold must be between 0 and 1"),
    ({"threshold": 1.0}, "threshold must be between 0 and 1"),
    ({"threshold": math.nan}, "threshold must be a finite number"),
    ({"threshold": "abc"}, "threshold must be a number"),
    ({"min_area": -1.0}, "minimum area must be >= 0"),
    ({"min_area": math.nan}, "minimum area must be a finite number"),
    ({"simplify": math.inf}, "simplification tolerance must be a finite number"),
    ({"batch": -1}, "batch size must be >= 0"),
    ({"chip_threads": 0}, "chip threads must be >= 1"),
    ({"processes": 0}, "worker processes must be >= 1"),
    ({"processes": 10_000}, "worker processes must be <="),
    ({"partitions": 0}, "row partitions must be >= 1"),
    ({"scheduler": " "}, "scheduler address is empty"),
]


@pytest.mark.parametrize("values, message", BAD, ids=[m for _, m in BAD])
def test_each_rule_gives_one_sentence(values, message):
    with pytest.raises(InputError, match=message):
        good(**values).validate()


def test_good_options_pass_and_defaults_are_defined_once():
    o = good().validate()
    assert o.overrides == Overrides() and all(v is None for v in dataclasses.asdict(o.overrides).values())
    assert (o.cleanup.min_area, o.cleanup.simplify) == (None, None)  # automatic
    assert o.execution == Execution() and o.tta == "none" and o.model.model is None  # the bundled model
    assert good(processes=10_000, scheduler="tcp://h:8786").validate()  # a cluster sets its own size
    assert good(processes=max_processes()).validate()


def test_worker_json_round_trip_keeps_every_field():
    o = good(optical=["r.tif", "g.tif", "b.tif"], dem="d.tif", bands=[3, 2, 1], aoi=[{"bounds": [0, 0, 1, 1]}],
             probability="p.tif", model="m.onnx", engine="onnx", device="cpu", resolution=2.0, tile=256,
             overlap=32, threshold=0.4, tta="d4", min_area=10.0, simplify=0.0, batch=2, chip_threads=3,
             processes=2, partitions=3, retries=0)
    back = DetectOptions.from_dict(json.loads(json.dumps(o.to_dict())))
    assert back == o
    assert back.inputs.optical == ("r.tif", "g.tif", "b.tif") and back.inputs.bands == (3, 2, 1)


def test_from_flat_refuses_unknown_names():
    with pytest.raises(TypeError, match="unknown detection option 'workers'"):
        good(workers=2)


def test_cli_names_choices_and_defaults_are_the_cores():
    parser = build_parser()
    detect = next(a for a in parser._subparsers._group_actions[0].choices.items() if a[0] == "detect")[1]
    dests = {a.dest for a in detect._actions if not isinstance(a, argparse._HelpAction)}
    groups = (opts.Inputs, opts.Outputs, opts.ModelChoice, opts.Overrides, opts.Cleanup, opts.Execution)
    fields = {f.name for group in groups for f in dataclasses.fields(group)} | {"tta"}
    assert dests - set(NOT_OPTIONS) <= fields, dests - set(NOT_OPTIONS) - fields
    choices = {a.dest: tuple(a.choices) for a in detect._actions if a.choices}
    assert choices == {"engine": opts.ENGINES, "device": opts.DEVICES, "tta": opts.TTA_MODES,
                       "product_image": opts.PRODUCT_IMAGES}
    assert all(a.default is None for a in detect._actions if a.dest in fields)  # the defaults are the options'
    args = parser.parse_args(["detect", "--optical", "a.tif", "--output", "o.gpkg", "--workers", "2",
                              "--chip-threads", "3"])
    o = detect_options(args)
    assert (o.execution.processes, o.execution.chip_threads) == (2, 3)  # --workers means processes
    assert o == good(output="o.gpkg", processes=2, chip_threads=3)
    scenes = detect_options(parser.parse_args(["detect", "--scenes", "x", "y", "--output", "o.gpkg"]))
    assert scenes.inputs.scenes and scenes.inputs.optical == ("x", "y")


def test_the_one_rule_where_user_values_meet_the_card():
    card = default_card("m", ModelConfig())
    card.resolution_m, card.tile_size, card.overlap, card.threshold = 1.0, 512, 64, 0.7
    card.tta_thresholds = {"d4": 0.65}
    assert resolve_overrides(Overrides(), card) == opts.Resolved(1.0, 512, 64, 0.7)
    assert resolve_overrides(Overrides(), card, "d4").threshold == 0.65  # the card's for the augmentation
    assert resolve_overrides(Overrides(), card, "flips").threshold == 0.7  # none chosen: the plain one
    assert resolve_overrides(Overrides(2.0, 256, 0, 0.3), card, "d4") == opts.Resolved(2.0, 256, 0, 0.3)
    with pytest.raises(InputError, match="overlap must be between 0 and half the tile size"):
        resolve_overrides(Overrides(tile=128), card)  # the card's 64 px overlap does not fit a 128 px tile


def test_an_automatic_batch_follows_the_engines_device():
    """Batch 0 (the default) is 1 chip per step on the CPU (measured fastest end to end there) and 4 on a GPU; a
    batch the user gives is kept on either."""
    assert opts.Execution().batch == 0
    assert opts.batch_size(0, "cpu") == 1 and opts.batch_size(0, "cuda") == 4
    assert opts.batch_size(8, "cpu") == 8 and opts.batch_size(2, "cuda") == 2
