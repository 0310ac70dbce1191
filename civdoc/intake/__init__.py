"""What units send back (`civdoc collect`): a zip or a folder read as checked entries (unitzip), then
placed into evidence/<unit>/ without losing anything (place). Nothing else writes under evidence/
but this package and `civdoc scaffold`.
"""
