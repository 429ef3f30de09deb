"""`hfa teams package`: the Teams app package (manifest.json and the two icons, zipped)
to upload in Teams or the Teams admin center, filled in from the settings."""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import urlparse

from assistant.errors import HfaError
from assistant.resources import resource_dir
from assistant.settings import Settings

ACCENT = (0x0B, 0x5F, 0xA5)
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _png(size: int, pixel: Any) -> bytes:
    """A minimal RGBA PNG; ``pixel(x, y)`` gives (r, g, b, a)."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(size)) for y in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _icons() -> dict[str, bytes]:
    """Colour icon 192×192 (white "h" on the accent colour) and outline icon 32×32
    (white on transparent), as Teams requires."""

    def letter(x: float, y: float) -> bool:  # a blocky "h" in a unit square
        stem = 0.28 <= x <= 0.40 and 0.2 <= y <= 0.8
        arch = 0.40 <= x <= 0.68 and 0.45 <= y <= 0.55
        leg = 0.60 <= x <= 0.72 and 0.45 <= y <= 0.8
        return stem or arch or leg

    color = _png(192, lambda x, y: (255, 255, 255, 255) if letter(x / 192, y / 192) else (*ACCENT, 255))
    outline = _png(32, lambda x, y: (255, 255, 255, 255) if letter(x / 32, y / 32) else (0, 0, 0, 0))
    return {"color.png": color, "outline.png": outline}


def build_package(settings: Settings, output: Path) -> Path:
    app_id = settings.teams_app_id.strip()
    if not _GUID.match(app_id):
        raise HfaError("HFA_TEAMS_APP_ID må være app-ID-en (en GUID) fra app-registreringen i Entra ID.", 400)
    public_url = settings.public_url.rstrip("/")
    if not public_url.startswith("https://"):
        raise HfaError("HFA_PUBLIC_URL må være en https-adresse; Teams krever det i app-pakken.", 400)
    values = {"APP_ID": app_id, "PUBLIC_URL": public_url, "PUBLIC_HOST": urlparse(public_url).netloc}
    manifest = json.loads(
        Template((resource_dir("teams") / "manifest.json").read_text(encoding="utf-8")).safe_substitute(values)
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for name, data in _icons().items():
            package.writestr(name, data)
    return output
