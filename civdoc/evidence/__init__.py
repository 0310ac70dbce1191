"""Stages 2 and 3, scan and inspect: walk evidence/ and place each file under unit, indicator and
requirement (walk, which lists each folder with listing), find what each file really is — type, pages,
pixels, date, hash — (formats), in a bounded worker pool (pool); the file kinds and their types
(kinds), dates written in names (namedates), and which requirement a file serves with which date (match).

A new file format goes in formats/; a new placement rule in walk.py; a name never to list in listing.py.
"""
