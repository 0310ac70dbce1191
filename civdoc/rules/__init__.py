"""The finding catalogue and the checks, one module per family."""
