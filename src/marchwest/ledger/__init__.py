"""The ledger layer: reading a ledger folder (the raw page, the fact files) into checked tables.

``page`` parses the article out of the raw page, ``reader`` reads files with bounds, ``dates``
parses EDTF, ``records`` builds typed rows, ``checks`` checks them against the schema and each
other, ``spans`` splits the article into sentences, and ``folder`` reads and checks a whole folder.
Nothing here imports the analysis modules, ``plot`` or ``build``.
"""
