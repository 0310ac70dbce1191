"""Stage 1, load: civdoc.yaml (config), the indicator files (indicators), their YAML source with line
numbers (yamlsrc), pydantic's errors in the office's words (validation), name normalisation and validity
(names), review records (reviews), and `load` that turns them into one validated Project or a list of
D1xx definition errors.

A new setting of civdoc.yaml goes in config.py; a new indicator field in indicators.py.
"""
