"""The key that binds what .civdoc/ remembers to this very cache folder (SPEC §6: the cache may only
return what it can prove equal to a fresh run).

Remembered definitions and item outcomes carry a keyed MAC (BLAKE2b). The key is derived from a
random secret in .civdoc/key *and* the identity of that file on this disk (device, inode, change
time), which a copy, a checkout or a restore cannot carry: a cache committed to a repository, copied
from a colleague or edited by hand fails the MAC, and its rows are recomputed, exactly as with
--no-cache. (A user who reads the key and recomputes the MAC on purpose can forge a row; that user can
as well edit civdoc.yaml, in the open.)
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from civdoc.store.atomic import write_bytes

KEY_NAME = "key"
SECRET_BYTES = 32


def cache_key(folder: Path) -> bytes:
    """The MAC key of the cache in folder; a new secret when there is none or it is damaged."""
    path = folder / KEY_NAME
    for _ in range(2):
        try:
            with open(path, "rb") as handle:
                secret = handle.read(SECRET_BYTES + 1)
                st = os.fstat(handle.fileno())
            if len(secret) == SECRET_BYTES and not path.is_symlink():
                identity = f"{st.st_dev}:{st.st_ino}:{st.st_ctime_ns}".encode()
                return hashlib.blake2b(secret + identity, digest_size=64).digest()
        except OSError:
            pass
        write_bytes(path, os.urandom(SECRET_BYTES))
    raise OSError(f"{path}: the cache key cannot be kept")


def mac(key: bytes, data: bytes) -> str:
    return hashlib.blake2b(data, key=key, digest_size=32).hexdigest()


def verified(key: bytes, data: bytes, tag: str) -> bool:
    return hmac.compare_digest(mac(key, data).encode(), tag.encode("utf-8", "surrogateescape"))
