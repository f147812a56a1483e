# These notebooks are inputs for tests/test_pipeline.py (one of them raises on purpose): nbval must not
# collect them when `make test` runs `pytest tests notebooks --nbval`.
collect_ignore_glob = ["*.ipynb"]
