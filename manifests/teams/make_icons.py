#!/usr/bin/env python3
"""Writes color.png (192x192) and outline.png (32x32, white on transparent) with only the standard library.

Why a script: the icons are reproducible and reviewable, and no image library is needed (zlib + struct)."""
import os, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def png(path, size, pixel):
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y, size)) for x in range(size)) for y in range(size))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def wrench(x, y, size):
    """A simple 'S' made of three bars: the SPE mark."""
    u = size / 8.0
    bar = lambda top: top * u <= y < top * u + u
    left = 2 * u <= x < 3 * u
    right = 5 * u <= x < 6 * u
    inside = 2 * u <= x < 6 * u
    return (inside and (bar(1.5) or bar(3.5) or bar(5.5))) or (left and 1.5 * u <= y < 4.5 * u) or (right and 3.5 * u <= y < 6.5 * u)


png(os.path.join(HERE, "color.png"), 192, lambda x, y, s: (255, 255, 255, 255) if wrench(x, y, s) else (0x44, 0x64, 0xEE, 255))
png(os.path.join(HERE, "outline.png"), 32, lambda x, y, s: (255, 255, 255, 255) if wrench(x, y, s) else (0, 0, 0, 0))
