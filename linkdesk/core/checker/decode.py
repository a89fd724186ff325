"""Undo a response's Content-Encoding in bounded steps, so the body cap bounds memory too.

httpx (and so both transports) decompresses a whole network chunk at once: a 1.8 KB body
sent as `Content-Encoding: gzip, gzip` becomes 1 MB after the first layer and 1 GB after the
second, in one call, before any cap can look at it. Here every layer gives out at most
`_STEP` bytes per call (zlib's `max_length`), the next layer takes them as they come, and the
reader stops pulling once it has its cap: memory stays near `cap + _STEP × layers`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

_STEP = 64 * 1024  # most bytes one layer hands on at a time
_IDENTITY = frozenset(("", "identity"))
_GZIP = frozenset(("gzip", "x-gzip"))
_DEFLATE = "deflate"
SUPPORTED = ("gzip", "deflate")  # what the checker accepts (`Accept-Encoding`)


class DecodeError(Exception):
    """The body cannot be decoded; the message says why, in words for the user."""


class _Layer:
    """One zlib layer (gzip, or deflate with or without its zlib header)."""

    def __init__(self, name: str) -> None:
        self.name = name
        # `deflate` should be zlib-wrapped, but some servers send it raw: try both, as httpx.
        self._raw_fallback = name == _DEFLATE
        self._inflate = zlib.decompressobj(zlib.MAX_WBITS | (16 if name in _GZIP else 0))

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decompress `data`, handing on at most `_STEP` bytes at a time."""
        while not self._inflate.eof:
            try:
                out = self._inflate.decompress(data, _STEP)
            except zlib.error as error:
                if not self._raw_fallback:
                    raise DecodeError(f"the {self.name} body is corrupt ({error})") from None
                self._raw_fallback = False
                self._inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._raw_fallback = False  # it decoded: the wrapping is settled
            data = self._inflate.unconsumed_tail
            if not out:  # zlib stops short of `_STEP` only when it has used up its input
                return
            yield out


class BodyDecoder:
    """Decodes a body sent with `Content-Encoding: <encodings>` (applied in that order)."""

    def __init__(self, content_encoding: str, max_layers: int) -> None:
        names = [name.strip().lower() for name in content_encoding.split(",")]
        names = [name for name in names if name not in _IDENTITY]
        unknown = [name for name in names if name not in _GZIP and name != _DEFLATE]
        if unknown:
            raise DecodeError(f"compressed as {unknown[0][:40]}, which is not supported")
        if len(names) > max_layers:
            raise DecodeError(
                f"compressed {len(names)} times (Content-Encoding: {content_encoding[:80]}); "
                f"at most {max_layers} layers are read"
            )
        # The last encoding applied is the first to undo.
        self._layers = [_Layer(name) for name in reversed(names)]

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded bytes of the next raw chunk, in pieces of at most `_STEP` bytes."""
        yield from self._through(0, data)

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            if data:
                yield data
            return
        for piece in self._layers[index].feed(data):
            yield from self._through(index + 1, piece)
