"""Documents printed by LibreOffice, read back with poppler: for the tests that check what paper shows.

Needs LibreOffice (`soffice`) and poppler-utils (`pdfinfo`, `pdftotext`). Tests skip without them,
unless REQUIRE_LIBREOFFICE=1 or REQUIRE_BROWSER=1 (CI), in which case they fail. Every conversion of a
test process uses one LibreOffice profile of that process: the first start creates it (seconds), the
later ones start warm; each xdist worker has its own, so parallel runs do not clash.
"""

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

A4 = (595, 842)  # points, portrait
_profile: list[Path] = []


def require_tools() -> str:
    """The path of `soffice`, after checking that it and poppler's tools are installed."""
    soffice = require_tool("soffice")
    require_tool("pdfinfo")
    require_tool("pdftotext")
    return soffice


def require_tool(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if "1" in (os.environ.get("REQUIRE_LIBREOFFICE"), os.environ.get("REQUIRE_BROWSER")):
            pytest.fail(f"{tool} is required but not installed")
        pytest.skip(f"{tool} is not installed")
    return path


def _profile_uri() -> str:
    if not _profile:
        folder = Path(tempfile.mkdtemp(prefix="dashboard_test_soffice_"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _profile.append(folder)
    return _profile[0].as_uri()


def convert(files: list[Path], outdir: Path, target: str = "pdf") -> None:
    """Convert `files` with one LibreOffice run (into `outdir`, named as each file with `target`'s suffix)."""
    subprocess.run(
        [
            require_tools(),
            f"-env:UserInstallation={_profile_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


def print_pages(document: Path) -> list[tuple[tuple[int, int], str]]:
    """Print `document` (.docx or .xlsx) to a PDF beside it; (page size in points, text) for each page."""
    convert([document], document.parent)
    return pdf_pages(document.with_suffix(".pdf"))


def pdf_pages(pdf: Path) -> list[tuple[tuple[int, int], str]]:
    """(page size in points, text) for each page."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    sizes = [
        (round(float(w)), round(float(h))) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)
    ]
    texts = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout.split("\f")[: len(sizes)]
    return list(zip(sizes, texts))
