"""Shared test support: build real projects and files on disk (helpers), hostile projects and files
(hostile_project, hostile_files), and where the repository and the shared corpus are (paths)."""
