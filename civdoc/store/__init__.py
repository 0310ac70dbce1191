"""What civdoc keeps between runs and how it writes: the inspection and outcome cache, the digest of the
judging code that keys it, atomic file writes, and the garbage-collector pause used while building data.

Nothing here knows about indicators or findings; every other stage may use it.
"""
