"""The checks, one module per family of finding codes (coverage C2xx, files F3xx, dates T4xx, placement
P5xx, deadlines S7xx, waivers W8xx); the catalogue of codes itself is civdoc/findings.py.

A new check is a function in the family's module that returns Findings, called from check/evaluate.py.
"""
