"""The plugin in Chinese (issue 28): a zh_CN translation of every tr() string, loaded for QGIS's locale.

* String audit (static): every string the QGIS glue passes through tr() (and the marked label tables) has a
  finished translation in ``i18n/landslide_mapper_zh_CN.ts``, and the .ts holds nothing the code no longer has.
* With QGIS's locale set to zh_CN, every algorithm's name, group, description, help, parameter labels and output
  labels, the environment dialog and the About page are Chinese; set back to English, they are English again.
* Locale independence: the algorithms' ids and parameter keys do not change; a .model3 saved in English runs in
  ``qgis_process`` under zh_CN, and ``qgis_process help`` shows the Chinese help there.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
from script_result import script_result

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
import i18n  # noqa: E402


def test_every_string_has_a_finished_chinese_translation():
    missing, obsolete = i18n.check("zh_CN")
    assert missing == [], f"{len(missing)} string(s) without a finished translation, e.g. {missing[:3]}"
    assert obsolete == [], f"{len(obsolete)} translation(s) of strings the code no longer has: {obsolete[:3]}"
    text = i18n.ts_path("zh_CN").read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text
    assert len(i18n.collect()) > 250  # the algorithms' help, labels, dialogs and menus are all in it


def test_the_audit_can_fail(monkeypatch):
    real = i18n.collect()
    monkeypatch.setattr(i18n, "collect", lambda: {**real, "A new label nobody translated": ["x.py:1"]})
    missing, _ = i18n.check("zh_CN")
    assert missing == ["A new label nobody translated"]
    monkeypatch.setattr(i18n, "collect", lambda: {k: v for k, v in list(real.items())[1:]})
    _, obsolete = i18n.check("zh_CN")
    assert obsolete == [next(iter(real))]


def test_translations_keep_placeholders_and_markup():
    import re

    for source, (text, finished) in i18n.read_ts(i18n.ts_path("zh_CN")).items():
        assert finished
        assert sorted(re.findall(r"\{[^}]*\}", source)) == sorted(re.findall(r"\{[^}]*\}", text)), source
        assert sorted(re.findall(r"</?[a-z0-9]+>", source)) == sorted(re.findall(r"</?[a-z0-9]+>", text)), source


_IN_LOCALE = textwrap.dedent(
    """
    import json, re, sys
    sys.path.append("/usr/share/qgis/python/plugins")
    from qgis.core import QgsApplication, QgsSettings
    app = QgsApplication([], True)
    app.initQgis()
    settings = QgsSettings()
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", sys.argv[1])
    import qgis.testing
    qgis.testing.QGISAPP = app
    from processing.core.Processing import Processing
    Processing.initialize()
    import processing
    from qgis.testing.mocked import get_iface
    import landslide_mapper
    plugin = landslide_mapper.classFactory(get_iface())
    plugin.initProcessing()
    cjk = re.compile("[\\u4e00-\\u9fff]")
    texts, english = {}, []
    for alg in plugin.provider.algorithms():
        name = alg.id()
        items = {"name": alg.displayName(), "group": alg.group(), "description": alg.shortDescription(),
                 "help": alg.shortHelpString()}
        items.update({f"param {p.name()}": p.description() for p in alg.parameterDefinitions()})
        items.update({f"output {o.name()}": o.description() for o in alg.outputDefinitions()})
        texts[name] = {"id": alg.id(), "group_id": alg.groupId(),
                       "params": [p.name() for p in alg.parameterDefinitions()], **items}
        english += [f"{name} {k}: {v}" for k, v in items.items() if v and not cjk.search(v)]
    from landslide_mapper.ui.about import about_html, load_card
    from landslide_mapper.ui.environment_dialog import EnvironmentDialog
    dialog = EnvironmentDialog(plugin.dependency_folder, report=None)
    dialog.wait_for_report()
    ui = {"title": dialog.windowTitle(), "install": dialog.install_button.text(),
          "set": dialog.package_set.currentText(), "about": about_html(*load_card())}
    args = json.loads(sys.argv[2])
    from qgis.core import QgsProcessingException, QgsProcessingFeedback

    class Feedback(QgsProcessingFeedback):  # what the Processing dialog's log shows
        def __init__(self):
            super().__init__()
            self.lines = []

        def pushInfo(self, info):
            self.lines.append(info)

        def pushWarning(self, warning):
            self.lines.append(warning)

    feedback = Feedback()
    params = {"OPTICAL": args["optical"], "DEM": args["dem"], "MODEL": args["model"], "OUTPUT": "memory:"}
    result = processing.run("landslide_mapper:detect_landslides", params, feedback=feedback)
    with open("junk.onnx", "w") as f:  # a damaged model file: the core's error, in the user's language
        f.write("junk")
    try:
        processing.run("landslide_mapper:detect_landslides", {**params, "MODEL": "junk.onnx"})
        error = None
    except QgsProcessingException as exc:
        error = str(exc)
    print("RESULT " + json.dumps({"texts": texts, "english": english, "ui": ui, "count": result["COUNT"],
                                  "log": feedback.lines, "error": error}), flush=True)
    dialog.deleteLater()
    plugin.unload()
    import os
    os._exit(0)
    """
)


@pytest.fixture(scope="module")
def both_locales(tmp_path_factory, oracle, blob_scene):
    import os

    opt, dem, _ = blob_scene
    args = json.dumps({"optical": str(opt), "dem": str(dem), "model": str(oracle[1])})
    out = {}
    for locale in ("zh_CN", "en_US"):
        profile = tmp_path_factory.mktemp(f"profile-{locale}")
        env = dict(os.environ, QGIS_CUSTOM_CONFIG_PATH=str(profile),
                   LANDSLIDE_MAPPER_DEPS_DIR=str(profile / "deps"))
        out[locale] = script_result(_IN_LOCALE, locale, args, cwd=profile, timeout=300, env=env)
    return out


def test_everything_a_user_reads_is_chinese_under_zh_cn(both_locales):
    zh = both_locales["zh_CN"]
    assert zh["english"] == [], "\n".join(zh["english"][:20])
    detect = zh["texts"]["landslide_mapper:detect_landslides"]
    assert detect["name"] == "检测滑坡" and detect["group"] == "检测"
    assert detect["param THRESHOLD"].startswith("概率阈值")
    assert "滑坡" in detect["help"] and "数字高程模型" in detect["help"]
    ui = zh["ui"]
    assert ui["title"] == "Landslide Mapper：环境与 GPU" and ui["install"] == "安装缺少的软件包"
    assert "附带的模型" in ui["about"] and "精确率" in ui["about"]
    # the core's sentences too: its log lines and its errors (errors.Message, translated by the glue)
    import re

    cjk = re.compile("[\u4e00-\u9fff]")
    english = [line for line in zh["log"] if line.startswith(("Processing grid:", "Model '", "Optical image:"))]
    assert english == [] and sum(bool(cjk.search(line)) for line in zh["log"]) >= 4, zh["log"]
    assert "junk.onnx" in zh["error"] and cjk.search(zh["error"]) and "cannot read" not in zh["error"], zh["error"]


def test_english_is_back_under_en_us_and_ids_do_not_change(both_locales):
    zh, en = both_locales["zh_CN"], both_locales["en_US"]
    detect = en["texts"]["landslide_mapper:detect_landslides"]
    assert detect["name"] == "Detect landslides" and detect["param THRESHOLD"].startswith("Probability threshold")
    assert en["ui"]["install"] == "Install missing packages"
    assert any(line.startswith("Processing grid:") for line in en["log"]), en["log"]
    assert en["error"].startswith("cannot read ONNX file junk.onnx: corrupt or truncated"), en["error"]
    assert len(en["english"]) > 100  # (every text is English there)
    for alg, texts in zh["texts"].items():  # stable ids, group ids and parameter keys in both languages
        other = en["texts"][alg]
        assert (texts["id"], texts["group_id"], texts["params"]) == (other["id"], other["group_id"], other["params"])
    assert zh["count"] == en["count"] == 4  # the same run in both languages


def test_a_model3_saved_in_english_runs_in_chinese_qgis_process(plugin_zip, tmp_path, qgis_app):
    import synthetic
    from qgis.testing.mocked import get_iface
    from qgis_process_helper import QgisProcessProfile
    from test_model3_qgis import DISTANCE, build_model, load_model, output_name

    import landslide_mapper

    loaded = landslide_mapper.classFactory(get_iface())  # (English: this process's locale)
    loaded.initProcessing()
    try:
        model3 = build_model(tmp_path / "model.model3")
        name = output_name(load_model(model3))
    finally:
        loaded.unload()
    assert "检测" not in model3.read_text(encoding="utf-8")
    folder = tmp_path / "inputs"
    folder.mkdir()
    _, onnx = synthetic.oracle_files(folder)
    opt, dem, _ = synthetic.scene(folder)
    profile = QgisProcessProfile.create(tmp_path / "profile", plugin_zip)
    ini = profile.root / "profiles" / "default" / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True, exist_ok=True)
    with ini.open("a", encoding="utf-8") as f:
        f.write("\n[locale]\noverrideFlag=true\nuserLocale=zh_CN\n")
    helped = profile.run("help", "landslide_mapper:detect_landslides")
    assert helped.returncode == 0, helped.describe()
    assert "检测滑坡" in helped.stdout and "概率阈值" in helped.stdout, helped.stdout[:2000]
    out = tmp_path / "buffered.gpkg"
    result = profile.run("--json", "run", str(model3), "--", f"optical={opt}", f"dem={dem}", f"model={onnx}",
                         f"distance={DISTANCE}", f"{name}={out}")
    assert result.returncode == 0, result.describe()
    assert json.loads(result.stdout)["results"][name] == str(out) and out.is_file()


# --- the core's sentences (errors, log lines, progress, warnings): errors.Message -----------------------------------
def test_a_core_message_is_its_english_text_and_keeps_its_template():
    import pickle

    from landslide_mapper.errors import Message, message_of

    inner = Message("the {what} layer", what="DEM")
    m = Message("{name}: {share:.0f} % of {inner} is missing ({value!r})", name="a.tif", share=12.345, inner=inner,
                value="x")
    assert m == "a.tif: 12 % of the DEM layer is missing ('x')" and isinstance(m, str)
    assert m.template == "{name}: {share:.0f} % of {inner} is missing ({value!r})"
    chinese = {m.template: "{name}：{inner}缺少 {share:.0f} %（{value!r}）", inner.template: "{what} 图层"}
    assert m.render(lambda t: chinese.get(t, t)) == "a.tif：DEM 图层缺少 12 %（'x'）"  # values formatted once
    assert m.render(lambda t: t) == str(m)  # no translation: the English text
    assert m.render(lambda t: "{nothing} 错误") == str(m)  # a translation that does not fit: English, not a crash
    for copy in (pickle.loads(pickle.dumps(m)), Message.from_json(json.loads(json.dumps(Message.to_json(m))))):
        assert copy == m and copy.template == m.template and copy.render(lambda t: chinese.get(t, t)) == \
            m.render(lambda t: chinese.get(t, t))
    assert message_of(ValueError(m)) is m and message_of(ValueError("plain")) == "plain"


def _core_errors() -> set[str]:
    """The names of LandslideMapperError and all its subclasses (the install errors' module included)."""
    from landslide_mapper.environment import dependencies  # noqa: F401 - defines InstallError
    from landslide_mapper.errors import LandslideMapperError

    names, todo = set(), [LandslideMapperError]
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        todo += cls.__subclasses__()
    return names


def _sentences_outside_messages(path: Path) -> list[str]:
    """The core's raises of Landslide Mapper errors and its log(), warn(), warnings.append() and progress() calls
    whose sentence is written as a string (a literal, an f-string, a concatenation) instead of a Message."""
    import ast

    errors, found = _core_errors(), []
    assert {"InputError", "CancelledError", "InstallError"} <= errors
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else None
        arg = None
        if name in errors and node.args:
            arg = node.args[0]
        elif isinstance(fn, ast.Name) and name in ("log", "warn") and node.args:
            arg = node.args[0]
        elif name == "append" and isinstance(fn.value, ast.Name) and fn.value.id == "warnings" and node.args:
            arg = node.args[0]
        elif isinstance(fn, ast.Name) and name == "progress" and len(node.args) >= 2:
            arg = node.args[1]
        if isinstance(arg, (ast.JoinedStr, ast.Constant, ast.BinOp)):
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(arg)[:80]}")
    return found


def test_every_sentence_of_the_core_is_a_translatable_message(tmp_path):
    core = i18n._files(i18n.CORE)
    assert len(core) > 30 and any(p.name == "pipeline.py" for p in core)
    escaped = [line for path in core for line in _sentences_outside_messages(path)]
    assert escaped == [], "\n".join(escaped)
    # the audit can fail: an f-string, a literal and a concatenation are each found
    sample = tmp_path / "sample.py"
    sample.write_text('raise InputError(f"bad {x}")\nlog("plain")\nwarnings.append("a" + b)\n'
                      'progress(0.5, Message("ok"))\nraise InputError(Message("fine {x}", x=x))\n')
    assert [line.split(":")[1] for line in _sentences_outside_messages(sample)] == ["1", "2", "3"]
    # and the core's sentences are in the .ts like the glue's
    sources = i18n.collect()
    assert "the model '{name}' uses DEM channels ({names}): give a DEM raster" in sources
    assert sum(any(p.startswith(("detection/", "training/", "model/")) for p in places)
               for places in sources.values()) > 200


#: the Qt and Processing calls that show their text argument to the user
_SHOWN = {"pushInfo", "pushWarning", "reportError", "setProgressText", "QgsProcessingException", "setText",
          "setWindowTitle", "setToolTip", "information", "warning", "critical", "question", "addItem",
          "setLabelText", "pushMessage", "setPlaceholderText", "QLabel", "QPushButton", "QAction", "QCheckBox",
          "addMenu", "setStatusTip"}


def _literals_shown_untranslated(path: Path) -> list[str]:
    """Calls in the glue that show a user an English literal or f-string of letters (not through tr())."""
    import ast
    import re

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else fn.id if isinstance(fn, ast.Name) else None
            if name not in _SHOWN:
                continue
            for arg in node.args:
                words = "".join(v.value for v in arg.values if isinstance(v, ast.Constant)) if isinstance(
                    arg, ast.JoinedStr) else arg.value if isinstance(arg, ast.Constant) and isinstance(
                    arg.value, str) else ""
                if re.search(r"[A-Za-z]{3}", re.sub(r"<[^>]*>|style=\S*", "", words)):
                    found.append(f"{path.name}:{node.lineno}: {ast.unparse(arg)[:80]}")
    return found


def test_no_english_literal_is_shown_outside_tr(tmp_path):
    glue = i18n._files(i18n.GLUE)
    assert any(p.name == "detect_landslides.py" for p in glue)
    escaped = [line for path in glue if path.relative_to(i18n.ROOT).as_posix() not in i18n.NOT_OURS
               for line in _literals_shown_untranslated(path)]
    assert escaped == [], "\n".join(escaped)
    sample = tmp_path / "sample.py"  # the audit can fail
    sample.write_text('feedback.pushInfo(f"{n} landslides")\nraise QgsProcessingException("No model")\n'
                      'feedback.pushInfo(tr("{n} landslides").format(n=n))\nlabel.setText(f"<b>{x}</b>")\n')
    assert [line.split(":")[1] for line in _literals_shown_untranslated(sample)] == ["1", "2"]
