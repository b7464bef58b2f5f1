"""Artwork for the demo, drawn with Pillow when ``load_demo`` runs: no network, no binary files.

Each picture is a flat, poster-like composition (one motif, one palette) so that a fresh
``make run`` looks like a video-essay site. The bytes go through the normal picture pipeline
(library ``Image`` for featured images, ``video_set_poster`` for posters) like any upload.
"""

import io
import random

from PIL import Image, ImageDraw

# Palettes: background top, background bottom, then accents (light to dark).
PALETTES = {
    "room": ((238, 232, 220), (200, 190, 172), (214, 69, 50), (40, 44, 52), (250, 248, 242)),
    "corridor": ((36, 30, 46), (12, 10, 18), (196, 60, 72), (238, 196, 120), (90, 70, 120)),
    "tunnel": ((14, 18, 28), (4, 6, 10), (255, 214, 120), (255, 120, 60), (70, 90, 120)),
    "hand": ((250, 214, 96), (236, 150, 62), (34, 40, 80), (250, 246, 230), (200, 70, 60)),
    "forest": ((198, 226, 210), (96, 150, 130), (40, 62, 58), (236, 120, 90), (250, 244, 228)),
    "cop": ((232, 176, 72), (176, 90, 40), (30, 24, 20), (250, 238, 210), (120, 40, 30)),
    "lobby": ((204, 40, 62), (120, 16, 40), (250, 220, 160), (30, 18, 24), (246, 160, 120)),
    "train": ((170, 206, 232), (236, 226, 206), (52, 80, 60), (30, 36, 44), (220, 120, 70)),
    "boulder": ((120, 190, 228), (246, 222, 170), (186, 140, 92), (90, 70, 56), (250, 250, 246)),
    "robots": ((236, 238, 242), (186, 194, 206), (40, 46, 58), (250, 252, 255), (120, 150, 190)),
}

SCALE = 2  # drawn at twice the size, then reduced: smooth edges without antialiasing support


def demo_artwork(*, motif: str, width: int = 1280, height: int = 720, seed: str = "") -> bytes:
    """Return a JPEG of the motif's composition at width×height (deterministic per seed)."""
    palette = PALETTES[motif]
    rng = random.Random(f"{motif}:{seed}")
    w, h = width * SCALE, height * SCALE
    image = _gradient(w, h, palette[0], palette[1])
    draw = ImageDraw.Draw(image)
    MOTIFS[motif](draw, w, h, palette, rng)
    image = image.resize((width, height), Image.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def demo_triptych(*, motifs, width: int = 1280, height: int = 720, seed: str = "") -> bytes:
    """Return a JPEG of several motifs side by side, as panels on a dark ground (a series)."""
    gap = max(8, width // 80)
    panel = (width - gap * (len(motifs) + 1)) // len(motifs)
    inner = height - 2 * gap
    image = Image.new("RGB", (width, height), (24, 22, 20))
    for n, motif in enumerate(motifs):
        art = Image.open(
            io.BytesIO(demo_artwork(motif=motif, width=panel, height=inner, seed=seed))
        )
        image.paste(art, (gap + n * (panel + gap), gap))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def _gradient(w, h, top, bottom):
    column = Image.new("RGB", (1, 256))
    for y in range(256):
        t = y / 255
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=False))
        )
    return column.resize((w, h), Image.BILINEAR)


def _room(draw, w, h, p, rng):
    # One-point perspective: the back wall, the floor and a couch that seems to slide.
    bx0, by0, bx1, by1 = w * 0.34, h * 0.26, w * 0.66, h * 0.62
    draw.polygon([(0, h), (bx0, by1), (bx1, by1), (w, h)], fill=(168, 158, 142))
    draw.polygon([(0, 0), (bx0, by0), (bx0, by1), (0, h)], fill=p[4])
    draw.polygon([(w, 0), (bx1, by0), (bx1, by1), (w, h)], fill=(226, 220, 206))
    draw.rectangle([bx0, by0, bx1, by1], fill=(244, 240, 232))
    for i in range(1, 7):  # floor lines that give the stillness away
        x = w * i / 7
        draw.line([(x, h), (bx0 + (bx1 - bx0) * i / 7, by1)], fill=(150, 140, 126), width=4)
    draw.rounded_rectangle([w * 0.18, h * 0.7, w * 0.46, h * 0.86], radius=30, fill=p[2])
    draw.rounded_rectangle([w * 0.16, h * 0.64, w * 0.22, h * 0.86], radius=24, fill=p[2])
    draw.rounded_rectangle([w * 0.42, h * 0.64, w * 0.48, h * 0.86], radius=24, fill=p[2])
    draw.ellipse([w * 0.6, h * 0.5, w * 0.68, h * 0.64], fill=p[3])  # a hat
    draw.rectangle([w * 0.57, h * 0.6, w * 0.71, h * 0.62], fill=p[3])


def _corridor(draw, w, h, p, rng):
    for i in range(12):
        t = i / 12
        mx, my = w * 0.5 * t * 0.9, h * 0.5 * t * 0.9
        colour = p[2] if i % 2 else p[4]
        draw.rectangle([mx, my, w - mx, h - my], fill=colour)
    draw.rectangle([w * 0.47, h * 0.44, w * 0.53, h * 0.56], fill=p[3])


def _tunnel(draw, w, h, p, rng):
    cx, cy = w * 0.5, h * 0.55
    for i in range(10, 0, -1):
        r = h * 0.09 * i
        shade = tuple(round(c * (0.4 + 0.06 * (10 - i))) for c in p[4])
        draw.ellipse([cx - r * 1.4, cy - r, cx + r * 1.4, cy + r], outline=shade, width=10)
    for side in (-1, 1):  # a pair of headlights
        x = cx + side * w * 0.07
        for r, colour in ((70, p[3]), (44, p[2]), (20, (255, 250, 236))):
            draw.ellipse([x - r * 2, cy - r * 2, x + r * 2, cy + r * 2], fill=colour)


def _hand(draw, w, h, p, rng):
    cx, cy = w * 0.55, h * 0.56
    draw.ellipse([cx - h * 0.3, cy - h * 0.22, cx + h * 0.3, cy + h * 0.3], fill=p[3])
    for i in range(4):  # fingers
        x = cx - h * 0.24 + i * h * 0.16
        draw.rounded_rectangle([x, cy - h * 0.5, x + h * 0.12, cy], radius=40, fill=p[3])
    draw.rounded_rectangle(
        [cx - h * 0.48, cy - h * 0.12, cx - h * 0.22, cy + h * 0.02], radius=40, fill=p[3]
    )
    draw.ellipse([w * 0.1, h * 0.62, w * 0.18, h * 0.76], fill=p[2])  # a small figure
    draw.rectangle([w * 0.125, h * 0.74, w * 0.155, h * 0.95], fill=p[2])


def _forest(draw, w, h, p, rng):
    for layer in range(4):
        base = h * (0.55 + layer * 0.12)
        colour = tuple(round(c * (1 - layer * 0.18)) for c in p[2])
        for _ in range(9):
            x = rng.uniform(0, w)
            size = rng.uniform(0.08, 0.16) * h
            draw.polygon([(x, base - size * 2.4), (x - size, base), (x + size, base)], fill=colour)
        draw.rectangle([0, base, w, h], fill=colour)
    draw.ellipse([w * 0.7, h * 0.12, w * 0.8, h * 0.3], fill=p[4])
    draw.ellipse([w * 0.4, h * 0.56, w * 0.52, h * 0.78], fill=(92, 60, 40))  # the bear
    draw.ellipse([w * 0.43, h * 0.46, w * 0.49, h * 0.58], fill=(92, 60, 40))


def _cop(draw, w, h, p, rng):
    for i in range(7):  # seventies title stripes
        y = h * (0.1 + i * 0.12)
        colour = p[2] if i % 2 == 0 else p[4]
        draw.polygon([(0, y), (w, y - h * 0.2), (w, y - h * 0.12), (0, y + h * 0.08)], fill=colour)
    draw.rounded_rectangle([w * 0.3, h * 0.6, w * 0.7, h * 0.8], radius=36, fill=p[2])
    for x in (0.38, 0.62):
        draw.ellipse([w * x - 60, h * 0.76, w * x + 60, h * 0.76 + 120], fill=p[3])


def _lobby(draw, w, h, p, rng):
    for i in range(14):  # cinema bulbs
        x = w * (0.05 + i * 0.068)
        draw.ellipse([x, h * 0.08, x + 36, h * 0.08 + 36], fill=p[2])
    draw.rectangle([w * 0.1, h * 0.18, w * 0.9, h * 0.3], fill=p[3])
    for i in range(7):  # dancers, arms up
        x = w * (0.14 + i * 0.12)
        lift = rng.uniform(-0.04, 0.04) * h
        draw.ellipse([x - 34, h * 0.5 + lift, x + 34, h * 0.5 + 68 + lift], fill=p[3])
        draw.rectangle([x - 26, h * 0.58 + lift, x + 26, h * 0.82 + lift], fill=p[3])
        draw.line([(x, h * 0.6 + lift), (x - 80, h * 0.46 + lift)], fill=p[3], width=22)
        draw.line([(x, h * 0.6 + lift), (x + 80, h * 0.46 + lift)], fill=p[3], width=22)
    draw.rectangle([0, h * 0.86, w, h], fill=p[4])


def _train(draw, w, h, p, rng):
    draw.polygon(
        [(0, h * 0.62), (w * 0.3, h * 0.5), (w * 0.7, h * 0.58), (w, h * 0.48), (w, h), (0, h)],
        fill=p[2],
    )
    for i in range(9):  # poles passing the window, one per beat
        x = w * (0.06 + i * 0.115)
        draw.rectangle([x, h * 0.2, x + 14, h * 0.8], fill=p[3])
        draw.line([(x, h * 0.26), (x + w * 0.115, h * 0.3)], fill=p[3], width=5)
    draw.rectangle([0, 0, w, h * 0.08], fill=p[3])
    draw.rectangle([0, h * 0.92, w, h], fill=p[3])
    draw.ellipse([w * 0.78, h * 0.12, w * 0.86, h * 0.26], fill=p[4])


def _boulder(draw, w, h, p, rng):
    draw.polygon([(0, h * 0.3), (w, h * 0.85), (w, h), (0, h)], fill=p[2])
    draw.ellipse([w * 0.3, h * 0.28, w * 0.46, h * 0.56], fill=p[3])
    draw.rectangle([w * 0.62, h * 0.86, w * 0.92, h * 0.9], fill=p[4])  # the sunbather's lounger
    draw.ellipse([w * 0.78, h * 0.06, w * 0.9, h * 0.27], fill=(255, 236, 170))


def _robots(draw, w, h, p, rng):
    cx, cy = w * 0.5, h * 0.5
    for i in range(8, 0, -1):
        r = h * 0.07 * i
        draw.arc([cx - r, cy - r, cx + r, cy + r], 200, 340, fill=p[4], width=8)
    for side in (-1, 1):
        x = cx + side * w * 0.14
        draw.ellipse([x - 110, h * 0.3, x + 110, h * 0.58], fill=p[3], outline=p[2], width=10)
        draw.rounded_rectangle(
            [x - 90, h * 0.58, x + 90, h * 0.92], radius=40, fill=p[3], outline=p[2], width=10
        )
    draw.line([(cx - w * 0.1, h * 0.44), (cx + w * 0.1, h * 0.44)], fill=p[4], width=12)


MOTIFS = {
    "room": _room,
    "corridor": _corridor,
    "tunnel": _tunnel,
    "hand": _hand,
    "forest": _forest,
    "cop": _cop,
    "lobby": _lobby,
    "train": _train,
    "boulder": _boulder,
    "robots": _robots,
}
assert set(MOTIFS) == set(PALETTES)
