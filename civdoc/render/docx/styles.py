"""The paragraph and table styles the generated parts use, found in the template by name."""

from __future__ import annotations

import copy
from typing import Any

from docx.oxml.ns import qn

from civdoc.render.docx.common import STYLE_NAMES
from civdoc.render.templating import DOSSIER

# -- styles ------------------------------------------------------------------------------------------


def _styles(doc: Any) -> dict[str, str]:
    """Style ids of the styles the generated parts use; a template made without them gets the built-in ones."""
    styles = doc.styles.element
    by_name = {
        s.find(qn("w:name")).get(qn("w:val")).lower(): s.get(qn("w:styleId"))
        for s in styles.findall(qn("w:style"))
        if s.find(qn("w:name")) is not None
    }
    missing = [key for key, name in STYLE_NAMES.items() if name.lower() not in by_name]
    if missing:
        builtin = _builtin_styles()
        ids = {s.get(qn("w:styleId")) for s in styles.findall(qn("w:style"))}
        for key in missing:
            style = builtin.get(STYLE_NAMES[key].lower())
            if style is None:
                continue
            style = copy.deepcopy(style)
            if style.get(qn("w:styleId")) in ids:  # same id, other name: keep both
                style.set(qn("w:styleId"), "civdoc" + style.get(qn("w:styleId")))
            based = style.find(qn("w:basedOn"))
            if based is not None and based.get(qn("w:val")) not in ids:
                style.remove(based)
            styles.append(style)
            ids.add(style.get(qn("w:styleId")))
            by_name[STYLE_NAMES[key].lower()] = style.get(qn("w:styleId"))
    return {key: by_name.get(name.lower(), "") for key, name in STYLE_NAMES.items()}


_BUILTIN_STYLES: dict[str, Any] = {}


def _builtin_styles() -> dict[str, Any]:
    if not _BUILTIN_STYLES:
        from docx import Document

        from civdoc.render.templating import builtin_dir

        with builtin_dir().joinpath(DOSSIER).open("rb") as handle:
            doc = Document(handle)
        for s in doc.styles.element.findall(qn("w:style")):
            name = s.find(qn("w:name"))
            if name is not None:
                _BUILTIN_STYLES[name.get(qn("w:val")).lower()] = s
    return _BUILTIN_STYLES
