"""Put a finished landslide layer into a user's GeoPackage in ONE SQLite transaction.

A GeoPackage is a database of many layers, tables and styles. The layer is first written completely into a
temporary GeoPackage of our own (``vectorize.FeatureWriter``); :func:`replace_layer` then opens the user's file
once and, in a single ``BEGIN IMMEDIATE ... COMMIT``:

1. drops a layer of the same name (its table with its triggers, its R-tree index, its rows in ``gpkg_contents``,
   ``gpkg_geometry_columns``, ``gpkg_extensions``, ``gpkg_ogr_contents``, ``gpkg_data_columns``,
   ``gpkg_metadata_reference``); its saved styles (``layer_styles``) stay, and apply to the new layer;
2. copies the new layer from the attached temporary GeoPackage: its table and rows, its R-tree index and that
   index's rows (so no trigger has to compute them: the triggers' ``ST_*`` functions exist only inside GDAL), then
   the triggers, and its metadata rows (its CRS added to ``gpkg_spatial_ref_sys`` when the file lacks it).

SQLite makes the transaction atomic: a kill, a full disk or any error before ``COMMIT`` leaves the user's file as it
was (SQLite rolls the journal back on the next open), after it the new layer is complete. Until then the user's
file is not opened for writing at all. Standard library only; pure: never imports QGIS.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from ..errors import InputError, Message

#: the GeoPackage tables whose rows describe a layer (keyed by ``table_name``), in the order rows are added
METADATA_TABLES = ("gpkg_contents", "gpkg_geometry_columns", "gpkg_extensions", "gpkg_ogr_contents",
                   "gpkg_data_columns", "gpkg_metadata_reference")
#: seconds to wait for another program's lock on the user's file before giving up with a message
LOCK_TIMEOUT_S = 10.0


def _q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _tables(con: sqlite3.Connection, schema: str) -> set[str]:
    return {r[0].lower() for r in con.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'")}


def _columns(con: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [r[1] for r in con.execute(f"PRAGMA {schema}.table_info({_q(table)})")]


def _rtree_tables(con: sqlite3.Connection, schema: str, layer: str) -> list[str]:
    if "gpkg_extensions" not in _tables(con, schema):
        return []
    rows = con.execute(f"SELECT column_name FROM {schema}.gpkg_extensions WHERE lower(table_name) = lower(?) AND "
                       "extension_name = 'gpkg_rtree_index'", (layer,)).fetchall()
    return [f"rtree_{layer}_{column}" for (column,) in rows]


def existing_kind(path: str | Path, layer: str) -> str | None:
    """The ``data_type`` of the layer ``layer`` in the GeoPackage ``path`` (``features``, ``tiles``,
    ``attributes``, ...), or None when it has no such layer. Read-only."""
    con = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True, timeout=LOCK_TIMEOUT_S)
    try:
        row = con.execute("SELECT data_type FROM gpkg_contents WHERE lower(table_name) = lower(?)",
                          (layer,)).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def _drop_layer(con: sqlite3.Connection, layer: str) -> None:
    row = con.execute("SELECT table_name, data_type FROM main.gpkg_contents WHERE lower(table_name) = lower(?)",
                      (layer,)).fetchone()
    if row is None:
        return
    name, kind = row
    if kind != "features":
        raise InputError(Message("the GeoPackage already holds a {kind} layer named '{name}': choose another layer "
                                 "name (nothing was changed)", kind=kind, name=name))
    for rtree in _rtree_tables(con, "main", name):
        con.execute(f"DROP TABLE IF EXISTS main.{_q(rtree)}")
    con.execute(f"DROP TABLE IF EXISTS main.{_q(name)}")  # its triggers go with it
    present = _tables(con, "main")
    for table in METADATA_TABLES:
        if table in present:
            con.execute(f"DELETE FROM main.{table} WHERE lower(table_name) = lower(?)", (name,))


def _srs_id(con: sqlite3.Connection, srs_id: int) -> int:
    """The id under which the source's CRS ``srs_id`` is (or is put) in the user's file."""
    columns = [c for c in _columns(con, "src", "gpkg_spatial_ref_sys") if c in
               set(_columns(con, "main", "gpkg_spatial_ref_sys"))]
    cols = ", ".join(_q(c) for c in columns)
    src = con.execute(f"SELECT {cols} FROM src.gpkg_spatial_ref_sys WHERE srs_id = ?", (srs_id,)).fetchone()
    if src is None:
        return srs_id
    record = dict(zip(columns, src))
    same = con.execute(f"SELECT {cols} FROM main.gpkg_spatial_ref_sys WHERE srs_id = ?", (srs_id,)).fetchone()
    if same is not None and dict(zip(columns, same)).get("definition") == record.get("definition"):
        return srs_id
    if same is not None:  # the id means another CRS in the user's file: add ours under a new one
        record["srs_id"] = max(100000, con.execute("SELECT max(srs_id) FROM main.gpkg_spatial_ref_sys").fetchone()[0]
                               + 1)
    con.execute(f"INSERT INTO main.gpkg_spatial_ref_sys ({cols}) VALUES ({', '.join('?' * len(columns))})",
                [record[c] for c in columns])
    return record["srs_id"]


def _copy_layer(con: sqlite3.Connection, layer: str) -> None:
    def source_sql(kind: str) -> list[str]:
        return [r[0] for r in con.execute("SELECT sql FROM src.sqlite_master WHERE type = ? AND "
                                          "lower(tbl_name) = lower(?) AND sql IS NOT NULL", (kind, layer))]

    [table_sql] = source_sql("table")
    con.execute(table_sql)  # CREATE TABLE "<layer>" (...) in main
    con.execute(f"INSERT INTO main.{_q(layer)} SELECT * FROM src.{_q(layer)}")  # no trigger exists yet
    for rtree in _rtree_tables(con, "src", layer):  # the spatial index, its rows copied as they are
        con.execute(f"CREATE VIRTUAL TABLE main.{_q(rtree)} USING rtree(id, minx, maxx, miny, maxy)")
        con.execute(f"INSERT INTO main.{_q(rtree)} SELECT * FROM src.{_q(rtree)}")
    present = _tables(con, "main")
    for sql in source_sql("index"):
        con.execute(sql)
    for sql in source_sql("trigger"):
        if "gpkg_ogr_contents" in sql and "gpkg_ogr_contents" not in present:
            continue  # GDAL's feature count cache, which this file does not have
        con.execute(sql)
    srs = {}
    in_source = _tables(con, "src")
    for table in METADATA_TABLES:
        if table not in in_source:
            continue
        if table not in _tables(con, "main"):
            if table != "gpkg_extensions":
                continue
            [create] = [r[0] for r in con.execute("SELECT sql FROM src.sqlite_master WHERE name = ?", (table,))]
            con.execute(create)
        columns = [c for c in _columns(con, "src", table) if c in set(_columns(con, "main", table))]
        cols = ", ".join(_q(c) for c in columns)
        for row in con.execute(f"SELECT {cols} FROM src.{table} WHERE lower(table_name) = lower(?)",
                               (layer,)).fetchall():
            record = dict(zip(columns, row))
            if "srs_id" in record and record["srs_id"] is not None:
                record["srs_id"] = srs.setdefault(record["srs_id"], _srs_id(con, record["srs_id"]))
            if table == "gpkg_contents" and "last_change" in record:
                record["last_change"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
            con.execute(f"INSERT INTO main.{table} ({cols}) VALUES ({', '.join('?' * len(columns))})",
                        [record[c] for c in columns])


def replace_layer(target: str | Path, source: str | Path, layer: str) -> None:
    """Put the layer ``layer`` of our GeoPackage ``source`` into the user's GeoPackage ``target``, adding it or
    replacing only a features layer of that name, in one transaction (see the module doc). Raises ``InputError``
    with one sentence (the file locked by another program, a full disk, a file SQLite cannot update); the user's
    file is then unchanged."""
    target = Path(target)
    try:
        con = sqlite3.connect(str(target), timeout=LOCK_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise InputError(Message("cannot open the GeoPackage {target} ({exc}); nothing was changed", target=target,
                                 exc=exc)) from None
    try:
        con.execute("ATTACH DATABASE ? AS src", (str(source),))
        con.execute("BEGIN IMMEDIATE")  # the write lock, taken now: no reader sees a half-replaced layer
        committed = False
        try:
            _drop_layer(con, layer)
            _copy_layer(con, layer)
            con.execute("COMMIT")
            committed = True
        except BaseException:
            if not committed and con.in_transaction:  # (SQLite may have rolled back already, e.g. on a full disk)
                con.execute("ROLLBACK")
            raise
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise InputError(Message("the GeoPackage {target} is in use by another program (it holds a lock on the "
                                     "file): close the layer there and run again; nothing was changed",
                                     target=target)) from None
        if "full" in text:
            raise InputError(Message("no space left on the disk of {target}: nothing was changed; free some space and "
                                     "run again", target=target)) from None
        raise InputError(Message("cannot update the GeoPackage {target} ({exc}); nothing was changed", target=target,
                                 exc=exc)) from None
    except sqlite3.DatabaseError as exc:
        raise InputError(Message("{target} cannot be updated as a GeoPackage ({exc}); nothing was changed",
                                 target=target, exc=exc)) from None
    finally:
        con.close()
