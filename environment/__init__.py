"""The Python environment: which packages the plugin needs and their installer (``dependencies.py``), whether the
wheels' native libraries work inside this process (``native_libraries.py``), and the environment report the
"Environment and GPU" dialog and the Check environment algorithm show (``report.py``). Pure: never imports QGIS."""
