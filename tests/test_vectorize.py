"""The vectoriser's own conversions between GeoJSON and shapely (built with shapely's array functions for speed)
give exactly what shapely's per-vertex ``shape``/``mapping`` give, and the in-place optical scaling gives exactly
the chained formula. Pure: no QGIS."""

import numpy as np
import pytest
import shapely
from affine import Affine
from rasterio.features import shapes
from shapely.geometry import mapping, shape

from landslide_mapper.detection import vectorize
from landslide_mapper.detection.raster_io import optical_scaler


def _mask(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mask = rng.random((96, 128)) < 0.45  # many components, many with holes, some touching the edges
    mask[10:40, 10:50] = True
    mask[20:25, 20:30] = False  # a hole
    mask[28:32, 40:44] = False  # another hole in the same polygon
    return mask


@pytest.mark.parametrize("seed", [0, 1])
def test_polygons_from_geojson_are_what_shape_builds(seed):
    mask = _mask(seed)
    transform = Affine(2.0, 0, 500000.0, 0, -2.0, 4_200_000.0)
    geojson = [g for g, _ in shapes(mask.astype(np.uint8), mask=mask, connectivity=4, transform=transform)]
    polys = vectorize.polygons_from_geojson(geojson)
    assert len(polys) == len(geojson) > 50
    assert sum(len(p.interiors) for p in polys) >= 3
    for got, g in zip(polys, geojson):
        assert got.geom_type == "Polygon"
        assert got.equals_exact(shape(g), 0.0)
        assert len(got.interiors) == len(g["coordinates"]) - 1


def test_label_polygons_cover_the_mask_exactly():
    mask = _mask(2)
    polys, labels = vectorize.label_polygons(mask)
    assert np.array_equal(labels > 0, mask)
    assert sorted(np.unique(labels[labels > 0])) == list(range(1, len(polys) + 1))
    assert sum(p.area for p in polys) == mask.sum()


def test_polygon_geojson_is_the_mapping_of_the_polygon():
    poly = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)],
                           holes=[[(1, 1), (2, 1), (2, 2), (1, 2)], [(5, 5), (6, 5), (6, 7), (5, 7)]])
    got, want = vectorize.polygon_geojson(poly), mapping(poly)
    assert got["type"] == want["type"] == "Polygon"
    assert [[tuple(xy) for xy in ring] for ring in got["coordinates"]] == [list(ring) for ring in want["coordinates"]]
    assert shape(got).equals_exact(poly, 0.0)


@pytest.mark.parametrize("scaling", [{"method": "percentile"}, {"method": "divide", "value": 255.0},
                                     {"method": "bit_depth", "bits": 12}])
def test_optical_scaler_is_the_chained_formula(scaling):
    rng = np.random.default_rng(3)
    raw = (rng.random((3, 40, 40)) * 4095).astype(np.uint16).astype(np.float32)
    stats = {"low": [100.0, 200.0, 300.0], "high": [3000.0, 3500.0, 4000.0]}
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    scale = optical_scaler(scaling, np.dtype(np.uint16), stats, mean, std)
    if scaling["method"] == "percentile":
        lo = np.asarray(stats["low"], np.float32)
        span = np.asarray(stats["high"], np.float32) - lo
    else:
        lo = np.zeros(3, np.float32)
        span = np.full(3, 255.0 if scaling["method"] == "divide" else 4095.0, np.float32)
    x = np.clip((raw - lo[:, None, None]) / span[:, None, None], 0.0, 1.0)
    want = ((x - np.asarray(mean, np.float32)[:, None, None]) / np.asarray(std, np.float32)[:, None, None])
    got = scale(raw)
    assert got.dtype == np.float32 and got.shape == raw.shape
    assert np.array_equal(got, want.astype(np.float32))
    assert raw.max() > 4000  # the input is left as it was (not scaled in place)
