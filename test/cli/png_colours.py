#!/usr/bin/env python3
"""png_colours.py PNG — decodes an 8-bit RGB or RGBA PNG (zlib only, no PIL) and prints, as
"W H TOTAL AREA FILLS X0 Y0 X1 Y1": the image size, its distinct colours, the distinct colours
inside the heatmap area, the distinct colours of the cells' fills, and the area. The heatmap area is the bounding box of the runs of at least 10 identical
saturated pixels in a row that go on 3 rows further down: the heatmap's cells are solid rectangles
of one colour each, while text, the plots' 2-pixel lines and the colour bar (a gradient, no two rows alike) are not."""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, width = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour not in (2, 6) or interlace:
                sys.exit(f"{path}: only 8-bit RGB/RGBA without interlacing is decoded here")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(width)])
        prev = line
    return width, height, rows


def main():
    width, height, rows = decode(sys.argv[1])
    x0, y0, x1, y1 = width, height, -1, -1
    fills = set()
    for y, row in enumerate(rows):
        run = 1
        for x in range(1, width + 1):
            if x < width and row[x] == row[x - 1]:
                run += 1
                continue
            r, g, b = row[x - 1]
            solid = y + 3 < height and all(rows[y + 3][i] == row[x - 1] for i in (x - run, x - 1 - run // 2, x - 1))
            if run >= 10 and solid and max(r, g, b) - min(r, g, b) > 40:
                x0, y0, x1, y1 = min(x0, x - run), min(y0, y), max(x1, x - 1), max(y1, y)
                fills.add(row[x - 1])
            run = 1
    total = len({p for row in rows for p in row})
    area = {p for row in rows[y0:y1 + 1] for p in row[x0:x1 + 1]} if x1 >= 0 else set()
    print(width, height, total, len(area), len(fills), x0, y0, x1, y1)


main()
