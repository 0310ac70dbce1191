"""Data made safe where it crosses a boundary: names that become paths and the one way to join them
onto a folder (paths), text that reaches XML (xml) or a terminal (console), and text people type that
civdoc stores (typed). Below every stage: anything may use it, it uses nothing of civdoc but errors.
"""
