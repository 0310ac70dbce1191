"""PDF: whether it opens, needs a password, its page count and CreationDate, bounded against hostile files."""

from __future__ import annotations

import logging
import re
from typing import IO

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError
from pypdf.generic import ArrayObject, DictionaryObject

from civdoc.evidence.formats.common import (
    P_PDF_BROKEN,
    P_PDF_NO_PAGES,
    P_PDF_TRUNCATED,
    P_PDF_ZERO_PAGES,
    PDF_EOF_WINDOW,
    PDF_TREE_DEPTH,
    _Broken,
    _meta_date,
    _tail,
)
from civdoc.model import Inspection

# pypdf logs repairs ("rebuild xref", "Object 172 0 not defined") through `logging`; with no handler
# configured Python's last-resort handler would print them to stderr. A NullHandler keeps the
# inspection silent while still letting an application that configures logging see them.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

_LINEARIZED_N = re.compile(rb"/Linearized\b[^>]*?/N\s+(\d+)", re.S)


def _inspect_pdf(f: IO[bytes], head: bytes, size: int, r: Inspection) -> None:
    if b"%%EOF" not in _tail(f, size, PDF_EOF_WINDOW):
        # Cut short (an interrupted copy or download). Checked here because pypdf would otherwise
        # search backwards through the whole file line by line for an older %%EOF: seconds to
        # minutes on a large scan, for a file that is incomplete either way.
        raise _Broken(P_PDF_TRUNCATED)
    f.seek(0)
    try:
        reader = PdfReader(f, strict=False)
    except (NotImplementedError, DependencyError):
        # pypdf could not set up decryption (a security handler it does not know, e.g. certificate
        # based, or AES without the cryptography package): if the file is encrypted, it needs a key
        # we do not have, which is what an assessor without it would face too.
        if b"/Encrypt" in head or b"/Encrypt" in _tail(f, size, 4096):
            r.encrypted = True
            return
        raise _Broken(P_PDF_BROKEN) from None
    except Exception:
        raise _Broken(P_PDF_BROKEN) from None

    try:
        encrypted = reader.is_encrypted
    except Exception:
        raise _Broken(P_PDF_BROKEN) from None
    if encrypted:
        # A PDF with only an owner (permissions) password has an empty user password: every viewer
        # opens it without asking, so assessors can read it and it is NOT reported as encrypted.
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception:
            opened = False
        r.encrypted = not opened

    r.pages = _pdf_pages(reader, head, locked=r.encrypted)
    if r.pages is None:
        raise _Broken(P_PDF_NO_PAGES)
    if r.pages == 0:
        raise _Broken(P_PDF_ZERO_PAGES)
    if not r.encrypted:  # strings of a locked file are ciphertext
        r.meta_date = _pdf_creation_date(reader)
        if r.meta_date:
            r.meta_date_source = "pdf:CreationDate"


def _pdf_pages(reader: PdfReader, head: bytes, locked: bool) -> int | None:
    """Page count from /Root/Pages/Count after resolving the first page; else let pypdf walk the
    tree; else the linearization dictionary's /N (viewers that repair files use it too)."""
    count: int | None = None
    override = locked and hasattr(reader, "_override_encryption")
    try:
        if override:
            # Dictionaries and integers are never encrypted, only strings and streams: read the page
            # tree of a locked file the way pypdf itself reads its /Encrypt dictionary.
            reader._override_encryption = True
        count = _pdf_count(reader)
    except Exception:
        count = None
    finally:
        if override:
            reader._override_encryption = False
    if count is None and not locked:
        try:
            count = len(reader.pages)
        except Exception:
            count = None
    if count is None:
        m = _LINEARIZED_N.search(head[:2048])
        if m:
            count = int(m.group(1))
    return count


def _pdf_count(reader: PdfReader) -> int | None:
    root = reader.trailer.get("/Root")
    root = root.get_object() if root is not None else None
    if not isinstance(root, DictionaryObject):
        return None
    node = root.get("/Pages")
    node = node.get_object() if node is not None else None
    if not isinstance(node, DictionaryObject):
        return None
    count = node.get("/Count")
    count = count.get_object() if count is not None else None
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        return None
    if count == 0:  # believed only for a tree that indeed has no kids
        kids = node.get("/Kids")
        kids = kids.get_object() if kids is not None else None
        return 0 if not kids else None
    if count > _pdf_object_count(reader):  # every page is an object: /Count is lying
        return None
    for _ in range(PDF_TREE_DEPTH):  # descend to the first leaf: the tree must resolve
        kids = node.get("/Kids")
        if kids is None:
            return count  # a leaf (a /Page)
        kids = kids.get_object()
        if not isinstance(kids, ArrayObject) or not kids:
            return None
        node = kids[0].get_object()
        if not isinstance(node, DictionaryObject):
            return None
    return None


def _pdf_object_count(reader: PdfReader) -> int:
    xref = getattr(reader, "xref", None) or {}
    return sum(len(v) for v in xref.values()) + len(getattr(reader, "xref_objStm", None) or {})


def _pdf_creation_date(reader: PdfReader) -> str | None:
    """/Info /CreationDate parsed from the raw string (pypdf's own parser rejects many real ones)."""
    try:
        info = reader.trailer.get("/Info")
        info = info.get_object() if info is not None else None
        if not isinstance(info, DictionaryObject):
            return None
        raw = info.get("/CreationDate")
        raw = raw.get_object() if raw is not None else None
        if isinstance(raw, bytes):
            return _meta_date(bytes(raw))
        return _meta_date(str(raw)) if raw is not None else None
    except Exception:
        return None
