"""Reading an office's own 任务清单 (Excel or Word) into indicators, and writing them as a project."""
