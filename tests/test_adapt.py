"""Adapting a model to an area (issue 25): the network back from an ONNX graph, the spatial hold-out, the mapped
area, a real adaptation on Jinsha A, and bad input."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch
from shapely.geometry import box

from landslide_mapper.errors import InputError, ModelFileError
from landslide_mapper.model.checkpoint import read_card
from landslide_mapper.training.adapt import AdaptOptions, adapt, split_area

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "resources" / "models" / "landslide_mapper_default.onnx"
JINSHA = REPO.parent / "shared" / "datasets" / "jinsha-rgbdem"
BIJIE = REPO.parent / "shared" / "datasets" / "bijie-rgb"


# --- the network back from ONNX ------------------------------------------------------------------------------------
def test_the_bundled_graph_gives_back_its_network():
    """The bundled model ships as ONNX only: its network rebuilt from the graph computes the graph's outputs (on
    an input the rebuild's own check never saw), and fine-tuning from it keeps its statistics frozen."""
    from landslide_mapper.detection.engines import open_engine
    from landslide_mapper.model.from_onnx import network_from_onnx
    from landslide_mapper.training.dataset import list_samples
    from landslide_mapper.training.train import ChipSet, freeze_batchnorm, initial_model

    model, card = network_from_onnx(BUNDLED)
    x = np.random.default_rng(7).uniform(-2, 2, (2, 3, 128, 160)).astype(np.float32)
    if BIJIE.exists():  # a real landslide chip, so that the comparison covers landslide probabilities too
        chips = ChipSet([s for s in list_samples(BIJIE) if s.region == "ny"], card, False, None, 0)
        image, mask = max((chips[i] for i in range(len(chips))), key=lambda c: float(c[1].eq(1).float().mean()))
        h, w = image.shape[1:]
        r, c = max(0, (h - 128) // 2), max(0, (w - 160) // 2)
        x[0, :, :min(h, 128), :min(w, 160)] = image[:, r:r + 128, c:c + 160].numpy()
    with torch.no_grad():
        ours = torch.sigmoid(model(torch.from_numpy(x))).numpy()[:, 0]
    graph = open_engine(BUNDLED, "onnx", "cpu").predict(x)
    assert np.abs(ours - graph).max() < 1e-3
    assert not BIJIE.exists() or (graph[0] > 0.5).mean() > 0.01  # landslide pixels compared too
    start, new_card = initial_model(BUNDLED, "adapted")
    assert new_card.training["base_model"]["file"] == BUNDLED.name and new_card.config == card.config
    freeze_batchnorm(start.train())
    bns = [m for m in start.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert bns and not any(m.training for m in bns)
    with torch.no_grad():  # in training mode with frozen statistics: still the graph's function
        assert np.abs(torch.sigmoid(start(torch.from_numpy(x))).numpy()[:, 0] - graph).max() < 1e-3


def test_an_fca_deeplab_graph_with_dem_and_cbam_gives_back_its_network(tmp_path):
    """FCA-DeepLab (DEM branch, CBAM with its shared MLP called twice, ASPP, small-object head) round-trips too;
    a graph whose card names another architecture is refused with one sentence."""
    from landslide_mapper.model.card import default_card
    from landslide_mapper.model.export import export_onnx
    from landslide_mapper.model.from_onnx import network_from_onnx
    from landslide_mapper.model.registry import build_model, get_config

    torch.manual_seed(0)
    cfg = get_config("fca_deeplab_lite")
    net = build_model(cfg).eval()
    for m in net.modules():  # non-trivial statistics, so that folding matters
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    card = default_card("lite", cfg, resolution_m=1.0)
    path = export_onnx(net, card, tmp_path / "lite.onnx", half_weights=True)
    model, _ = network_from_onnx(path)
    x = torch.randn(1, card.in_channels, 96, 128)
    with torch.no_grad():
        assert (torch.sigmoid(model(x)) - torch.sigmoid(net(x))).abs().max() < 2e-3
    wrong = default_card("lite", get_config("fca_deeplab_mobilenetv2"), resolution_m=1.0)
    from landslide_mapper.model.export import replace_onnx_card

    replace_onnx_card(path, wrong)
    with pytest.raises(ModelFileError, match="lite.onnx"):
        network_from_onnx(path)


# --- the mapped area and the hold-out -------------------------------------------------------------------------------
def test_the_held_out_part_is_a_spatial_end_of_the_area_with_landslides():
    area = box(0, 0, 1000, 400)
    slides = [box(x, 100, x + 40, 160) for x in (50, 300, 550, 900)]
    kept, held = split_area(area, slides, 0.25)
    assert held.area == pytest.approx(250 * 400, rel=1e-3) and kept.area + held.area == pytest.approx(area.area)
    assert held.bounds[0] in (pytest.approx(750, abs=1), 0.0)  # one end, across the longer side
    assert any(s.intersects(held) for s in slides) and any(s.intersects(kept) for s in slides)
    with pytest.raises(InputError, match="all at one end"):
        split_area(area, [box(10, 10, 50, 50)], 0.25)


def test_a_landslide_outside_the_mapped_area_changes_no_gradient(tmp_path):
    """Pixels outside the mapped area are not mapped: a landslide drawn there changes neither the mask the loss
    sees nor any gradient."""
    import fiona
    from affine import Affine
    from shapely.geometry import mapping
    from synthetic import UTM, write_raster

    from landslide_mapper.model.registry import build_model, get_config
    from landslide_mapper.training.scenes import LoadedScene, SceneSource, SceneTiles
    from landslide_mapper.training.train import bce_dice_loss

    size = 128
    tr = Affine(1.0, 0, 500000.0, 0, -1.0, 5000000.0)
    image = np.random.default_rng(0).integers(0, 255, (3, size, size), dtype=np.uint8)
    img = str(write_raster(tmp_path / "rgb.tif", image, tr, UTM))

    def layer(name, boxes):
        path = tmp_path / f"{name}.gpkg"
        with fiona.open(path, "w", driver="GPKG", crs="EPSG:32633",
                        schema={"geometry": "Polygon", "properties": {}}) as dst:
            for b in boxes:
                dst.write({"geometry": mapping(box(500000 + b[0], 5000000 - b[3], 500000 + b[2], 5000000 - b[1])),
                           "properties": {}})
        return str(path)

    area = layer("area", [(0, 0, 64, 128)])  # the left half, as (col0, row0, col1, row1)
    inside = [(10, 10, 40, 40)]
    card = read_card(BUNDLED)
    card = type(card).from_dict({**card.to_dict(), "resolution_m": 1.0})
    grads = []
    for slides in (inside, inside + [(80, 80, 120, 120)]):  # + a landslide outside the area
        scene = LoadedScene(SceneSource(img, None, "a", landslides=layer("s", slides), mapped_area=area), card)
        x, y = SceneTiles(scene, card, 128)[0]
        torch.manual_seed(0)
        net = build_model(get_config("unet_mobilenetv2", fusion="none", dem_channels=0))
        bce_dice_loss(net(x[None]), y[None]).backward()
        grads.append(torch.cat([p.grad.flatten() for p in net.parameters() if p.grad is not None]))
        assert (y[0, :, 64:] == 255).all()
    assert torch.equal(grads[0], grads[1])


# --- a real adaptation ------------------------------------------------------------------------------------------------
def _jinsha_a_inventory(folder: Path, rows: tuple[int, int], cols: tuple[int, int]):
    """The landslides of Jinsha A's mask that touch a zone (0.5 m pixel rows/cols), as polygons; the zone's mapped
    pixels as the mapped area."""
    import fiona
    import shapely
    from rasterio.features import shapes
    from shapely.geometry import mapping, shape

    with rasterio.open(JINSHA / "area_A_mask.tif") as src:
        mask, transform, crs = src.read(1), src.transform, src.crs
    zone = np.zeros_like(mask, bool)
    zone[rows[0]:rows[1], cols[0]:cols[1]] = True
    slides = [shape(g) for g, v in shapes((mask == 1).astype(np.uint8), mask=(mask == 1) & zone, transform=transform)
              if v == 1]
    mapped = [shape(g) for g, v in shapes(np.ones_like(mask), mask=(mask != 255) & zone, transform=transform)]
    path = folder / "inventory.gpkg"
    for name, geoms in (("landslides", slides), ("mapped_area", mapped)):
        with fiona.open(path, "w", driver="GPKG", layer=name, crs_wkt=crs.to_wkt(),
                        schema={"geometry": "Polygon", "properties": {}}) as dst:
            dst.writerecords({"geometry": mapping(g), "properties": {}} for g in shapely.get_parts(geoms)
                             if g.geom_type == "Polygon" and g.area >= 4)
    return f"{path}|layername=landslides", f"{path}|layername=mapped_area", mask


@pytest.mark.skipif(not JINSHA.exists(), reason="needs ../shared/datasets/jinsha-rgbdem")
def test_a_minute_of_adaptation_on_jinsha_a_helps_and_needs_the_mapped_area(tmp_path):
    """Landslides digitised in the top of Jinsha A, with the area in which they were: a minute of adaptation of the
    bundled model raises the held-out IoU, and the IoU on the bottom of A (whose labels it never saw), scored
    through ``detect``. Ignoring the mapped area (the bottom's landslides then read as ground) does much worse."""
    from landslide_mapper.training.scene_eval import evaluate_scene

    slides, area, mask = _jinsha_a_inventory(tmp_path, (0, 1000), (0, 1000))
    truth = mask.copy()
    truth[:1100] = 255  # scored on the bottom of the scene only
    with rasterio.open(JINSHA / "area_A_mask.tif") as src:
        profile = src.profile
    with rasterio.open(tmp_path / "bottom.tif", "w", **profile) as dst:
        dst.write(truth, 1)
    image = str(JINSHA / "area_A_rgb.tif")
    base = evaluate_scene(None, image, tmp_path / "bottom.tif")["iou"]
    lines = []
    with_area = adapt(AdaptOptions(image, slides, str(tmp_path / "area.safetensors"), mapped_area=area, minutes=1.0),
                      log=lines.append)
    assert with_area.adapted_iou > with_area.base_iou + 0.15 and with_area.improved, lines
    assert read_card(with_area.output).training["base_model"]["file"] == BUNDLED.name
    adapted = evaluate_scene(with_area.output, image, tmp_path / "bottom.tif")["iou"]
    ignored = adapt(AdaptOptions(image, slides, str(tmp_path / "whole.safetensors"), minutes=1.0))
    without = evaluate_scene(ignored.output, image, tmp_path / "bottom.tif")["iou"]
    print(f"bottom of Jinsha A: base {base:.3f}, adapted {adapted:.3f}, mapped area ignored {without:.3f}")
    assert adapted > base + 0.1
    assert adapted > without + 0.1


# --- bad input --------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_scene(tmp_path_factory):
    import fiona
    from affine import Affine
    from shapely.geometry import mapping
    from synthetic import UTM, write_raster

    folder = tmp_path_factory.mktemp("adapt")
    tr = Affine(1.0, 0, 500000.0, 0, -1.0, 5000000.0)
    image = np.random.default_rng(1).integers(0, 255, (3, 600, 600), dtype=np.uint8)
    img = str(write_raster(folder / "rgb.tif", image, tr, UTM))

    def layer(name, geoms, crs="EPSG:32633", kind="Polygon"):
        path = folder / f"{name}.gpkg"
        with fiona.open(path, "w", driver="GPKG", crs=crs, schema={"geometry": kind, "properties": {}}) as dst:
            for g in geoms:
                dst.write({"geometry": mapping(g), "properties": {}})
        return str(path)

    def cells(*corners, size=30):
        return [box(500000 + c, 5000000 - r - size, 500000 + c + size, 5000000 - r) for r, c in corners]

    return {"image": img, "slides": layer("slides", cells((50, 50), (300, 300), (500, 520))),
            "far": layer("far", [box(0, 0, 10, 10)]),
            "points": layer("points", [box(500010, 4999990, 500020, 5000000).centroid], kind="Point"),
            "tiny_area": layer("tiny", cells((40, 40), size=100)),
            "layer": layer, "folder": folder}


@pytest.mark.parametrize("case, message", [
    ("points", "has no polygons"),
    ("far", "no landslide polygon lies inside"),
    ("tiny_area", "smaller than one training window"),
    ("dem_model", "uses a DEM"),
    ("not_safetensors", "written as .safetensors"),
    ("output_is_input", "would be overwritten"),
    ("add_dem_without_dem", "give the DEM"),
])
def test_bad_input_is_one_sentence_and_no_model_file(small_scene, tmp_path, case, message):
    s = small_scene
    out = tmp_path / "adapted.safetensors"
    kw = {"image": s["image"], "landslides": s["slides"], "output": str(out)}
    if case in ("points", "far"):
        kw["landslides"] = s[case]
    elif case == "tiny_area":
        kw["mapped_area"] = s["tiny_area"]
    elif case == "dem_model":
        from landslide_mapper.model.card import default_card
        from landslide_mapper.model.checkpoint import save_checkpoint
        from landslide_mapper.model.registry import build_model, get_config

        cfg = get_config("fca_deeplab_lite")
        kw["base_model"] = str(save_checkpoint(tmp_path / "dem.safetensors", build_model(cfg),
                                               default_card("dem", cfg, resolution_m=1.0)))
    elif case == "not_safetensors":
        kw["output"] = str(tmp_path / "adapted.onnx")
    elif case == "add_dem_without_dem":
        kw["add_dem"] = True
    elif case == "output_is_input":  # the base model's own file
        import shutil

        kw["base_model"] = kw["output"] = str(shutil.copy(BUNDLED, tmp_path / "base.safetensors"))
    with pytest.raises(InputError, match=message):
        adapt(AdaptOptions(**kw))
    assert (not out.exists() or case == "output_is_input") and not list(tmp_path.glob(".adapt-*"))
    if case == "output_is_input":
        assert Path(kw["output"]).read_bytes() == BUNDLED.read_bytes()


def test_polygons_in_another_crs_are_reprojected_not_refused(small_scene, tmp_path):
    from pyproj import Transformer
    from shapely.ops import transform as shp_transform

    to = Transformer.from_crs("EPSG:32633", "EPSG:4326", always_xy=True).transform
    cells = [box(500000 + c, 5000000 - r - 60, 500000 + c + 60, 5000000 - r) for r, c in ((50, 50), (450, 450))]
    slides = small_scene["layer"]("wgs84", [shp_transform(to, g) for g in cells], crs="EPSG:4326")
    r = adapt(AdaptOptions(small_scene["image"], slides, str(tmp_path / "a.safetensors"), minutes=0.05, window=128))
    assert r.output.is_file() and r.landslides == {"training": 1, "held_out": 1}


def test_adapt_on_the_command_line(small_scene, tmp_path):
    out = tmp_path / "cli.safetensors"
    bad = subprocess.run([sys.executable, "-m", "landslide_mapper", "adapt", "--image", small_scene["image"],
                          "--landslides", small_scene["far"], "--output", str(out), "--quiet"],
                         capture_output=True, text=True, cwd=REPO.parent)
    assert bad.returncode == 2 and bad.stderr.strip().splitlines()[-1].startswith("landslide_mapper: error: no "
                                                                                   "landslide polygon")
    ok = subprocess.run([sys.executable, "-m", "landslide_mapper", "adapt", "--image", small_scene["image"],
                         "--landslides", small_scene["slides"], "--output", str(out), "--minutes", "0.05",
                         "--window", "128", "--quiet"], capture_output=True, text=True, cwd=REPO.parent)
    assert ok.returncode == 0, ok.stderr
    assert "held-out IoU" in ok.stdout and out.is_file()


def test_a_mapped_area_smaller_than_a_batch_of_windows_still_trains(small_scene, tmp_path):
    """A small mapped area gives fewer windows per epoch than a batch; it still trains (one batch an epoch) instead
    of failing (found by the desktop test: 0.25 km2 at 1 m, 3 windows of 256 px for a batch of 4)."""
    area = small_scene["layer"]("area300", [box(500000, 4999700, 500300, 5000000)])
    slides = small_scene["layer"]("two", [box(500040, 4999920, 500070, 4999950),
                                          box(500240, 4999740, 500270, 4999770)])
    r = adapt(AdaptOptions(small_scene["image"], slides, str(tmp_path / "small.safetensors"), mapped_area=area,
                           minutes=0.05, batch_size=8))
    assert r.output.is_file() and r.epochs >= 1


def test_a_dem_given_to_an_rgb_model_is_read_when_asked_and_a_warning_says_so_otherwise(small_scene, tmp_path):
    """The bundled model reads no DEM. A DEM given without ``add_dem`` is not used, and a warning says so (not
    silently); with ``add_dem`` the adapted model reads it (relative elevation and slope) and its card says so."""
    from synthetic import UTM, write_raster


    with rasterio.open(small_scene["image"]) as src:
        tr = src.transform
    z = np.add.outer(np.arange(600.0), np.arange(600.0)).astype(np.float32)  # a plane rising to the south-east
    dem = str(write_raster(tmp_path / "dem.tif", z[None], tr, UTM))
    kw = {"image": small_scene["image"], "landslides": small_scene["slides"], "dem": dem, "minutes": 0.05,
          "window": 128}
    ignored = adapt(AdaptOptions(output=str(tmp_path / "rgb.safetensors"), **kw))
    assert any("reads no DEM, so the DEM given is not used" in str(w) for w in ignored.warnings), ignored.warnings
    assert not read_card(ignored.output).uses_dem
    used = adapt(AdaptOptions(output=str(tmp_path / "dem.safetensors"), add_dem=True, **kw))
    card = read_card(used.output)
    assert card.uses_dem and [c["name"] for c in card.dem_channels] == ["relative_elevation", "slope"]
    assert card.training["base_model"]["dem_input_added"] == ["relative_elevation", "slope"]
    assert not any("not used" in str(w) for w in used.warnings)
