"""Reading a file's metadata back with exiftool (Debian's ``libimage-exiftool-perl``), a
different reader than exiv2, which writes it (``media_pipeline.embedded_metadata``)."""

from __future__ import annotations

import json
import shutil
import subprocess


def read_back(data: bytes) -> dict:
    """Every tag exiftool finds in ``data``, keyed ``Group:Tag`` (with language variants)."""
    exiftool = shutil.which("exiftool")
    assert exiftool, "the tests need exiftool: apt-get install libimage-exiftool-perl (make system-deps)"
    shown = subprocess.run([exiftool, "-j", "-G1", "-struct", "-charset", "iptc=UTF8", "-"], input=data,
                           capture_output=True, check=True)
    return json.loads(shown.stdout)[0]
