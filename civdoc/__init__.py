"""civdoc: evidence-dossier compiler for the 全国文明城市 材料自查."""

__version__ = "0.1.0"
