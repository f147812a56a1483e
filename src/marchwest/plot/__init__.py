"""Charts: tidy DataFrames in, matplotlib or plotly figures out (never shown here).

Knows no files and no ledger: the notebooks load the tables and pass them in.
"""
