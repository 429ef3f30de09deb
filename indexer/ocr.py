"""OCR for scanned PDFs: Debian's ``ocrmypdf`` with Tesseract's Norwegian model.

Optional and found at run time. ``ocrmypdf --skip-text`` adds a text layer only to the
pages that have none; the result is cached by the file's content hash, so a scanned
document is read once, not on every index run.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from indexer.errors import IndexerError

log = logging.getLogger(__name__)

PACKAGES = "apt-get install ocrmypdf tesseract-ocr-nor"
LANGUAGE = "nor"
TIMEOUT_SECONDS = 900


class OcrUnavailable(IndexerError):
    """OCR cannot run here; the message is Norwegian and names the Debian packages."""


class OcrFailed(IndexerError):
    """ocrmypdf ran and failed; the message is Norwegian."""


def _missing() -> str:
    if shutil.which("ocrmypdf") is None:
        return "ocrmypdf er ikke installert"
    try:
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "tesseract er ikke installert"
    if LANGUAGE not in langs.split():
        return "Tesseracts norske språkmodell (tesseract-ocr-nor) er ikke installert"
    return ""


def ocr_pdf(path: Path, cache_dir: Path | None) -> Path:
    """A copy of ``path`` with a text layer on its scanned pages (see module doc)."""
    missing = _missing()
    if missing:
        raise OcrUnavailable(f"{missing}. Installer OCR for skannede PDF-er med: {PACKAGES}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if cache_dir is not None:
        cached = cache_dir / f"{digest}.pdf"
        if cached.exists():
            return cached
    target_dir = cache_dir or Path(tempfile.mkdtemp(prefix="hfa-ocr-"))
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / f"{digest}.pdf"
    partial = target.with_suffix(f".{os.getpid()}.part")
    command = ["ocrmypdf", "--skip-text", "-l", LANGUAGE, "--output-type", "pdf", "--optimize", "0", "--quiet"]
    log.info("OCR of %s (scanned pages)", path.name)
    try:
        result = subprocess.run(
            [*command, str(path), str(partial)], capture_output=True, text=True, timeout=TIMEOUT_SECONDS
        )
    except subprocess.TimeoutExpired as exc:
        partial.unlink(missing_ok=True)
        raise OcrFailed(f"OCR tok mer enn {TIMEOUT_SECONDS // 60} minutter og ble avbrutt") from exc
    if result.returncode != 0 or not partial.exists():
        partial.unlink(missing_ok=True)
        log.warning("ocrmypdf failed on %s: %s", path, result.stderr[-2000:])
        raise OcrFailed(f"OCR feilet (ocrmypdf avsluttet med kode {result.returncode})")
    partial.replace(target)
    return target
