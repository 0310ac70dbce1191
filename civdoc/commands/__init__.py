"""Commands that do more than check: build (ledgers and reports), sign (review a stage), review_import
(take reviewers' entries from ledgers), and the project, kit and package commands. Each runs the check
once and works from its Result; cli.py only parses options and calls these.

A new command gets a module here and a thin typer function in cli.py.
"""
