"""The build layer: executing the notebooks, exporting the tables, building the site.

``pipeline`` runs the notebooks, ``stamps`` records what each step read and wrote, ``outputs``
writes files safely, ``export`` writes CSV/Parquet/datapackage.json, ``site`` renders the static
site, and ``jupyterlab`` installs the JupyterLab settings. Needs the ``marchwest[build]`` extra.
"""
