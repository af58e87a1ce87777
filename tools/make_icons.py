#!/usr/bin/env python3
"""Draw the Ohne Haken icon (an empty box on a blue disc, a hook being lifted out) as PNGs.

Pure Python (zlib + struct), 4x4 supersampled, so the artwork is reproducible without an
image library: `python3 tools/make_icons.py` rewrites extension/icons/icon-<size>.png.
"""
import math
import struct
import zlib
from pathlib import Path

SIZES = (16, 32, 48, 96, 128)
OUT = Path(__file__).resolve().parent.parent / "extension" / "icons"
BLUE = (0, 60, 160)      # disc
WHITE = (255, 255, 255)  # box and hook
GREEN = (80, 220, 140)   # the removed hook, drawn outside the box


def seg_dist(p, a, b):
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def shade(x, y):
    """Colour and coverage at a point of the unit square (0..1)."""
    if math.hypot(x - 0.5, y - 0.5) > 0.48:
        return None
    # Box outline: a rounded square from 0.24 to 0.68.
    cx, cy, half, radius = 0.44, 0.56, 0.2, 0.05
    qx, qy = abs(x - cx) - (half - radius), abs(y - cy) - (half - radius)
    outside = math.hypot(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0) - radius
    if abs(outside) < 0.045:
        return WHITE
    # The hook (tick), lifted up and to the right, out of the box.
    hook = min(seg_dist((x, y), (0.50, 0.36), (0.60, 0.46)), seg_dist((x, y), (0.60, 0.46), (0.82, 0.20)))
    if hook < 0.055:
        return GREEN
    return BLUE


def png(size):
    rows = []
    n = 4
    for j in range(size):
        row = bytearray([0])
        for i in range(size):
            acc = [0, 0, 0, 0]
            for sj in range(n):
                for si in range(n):
                    c = shade((i + (si + 0.5) / n) / size, (j + (sj + 0.5) / n) / size)
                    if c:
                        acc = [acc[0] + c[0], acc[1] + c[1], acc[2] + c[2], acc[3] + 1]
            a = acc[3]
            row += bytes([acc[0] // a, acc[1] // a, acc[2] // a, a * 255 // (n * n)]) if a else bytes(4)
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for s in SIZES:
        (OUT / f"icon-{s}.png").write_bytes(png(s))
        print(f"wrote {OUT / f'icon-{s}.png'}")
