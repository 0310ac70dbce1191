"""Result -> text, JSON, GitHub annotations, JUnit, Excel and Word. Nothing here reads the evidence tree."""
