"""The generated documents as LibreOffice prints them, read back with poppler (pdfinfo, pdftotext,
pdffonts): the common documents converted once per test session (`printed`), others on demand.

LibreOffice runs with deploy/fonts.conf (FONTCONFIG_FILE), which prints the faces the documents name
(標楷體, Times New Roman) with their Debian stand-ins (AR PL KaitiM Big5, Liberation Serif), as .ci/run
installs them. Without LibreOffice or poppler the tests that use this skip, unless
REQUIRE_LIBREOFFICE=1 or REQUIRE_BROWSER=1 (CI), in which case they fail. Every conversion of a test process uses one LibreOffice profile of that
process: the first start creates it (seconds), later ones start warm; each xdist worker has its own.
"""

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from tests import databases

ROOT = Path(__file__).resolve().parent.parent
FONTS_CONF = ROOT / "deploy" / "fonts.conf"
A4 = (595, 842)  # points
T0 = datetime(2023, 8, 8, 7, 12, tzinfo=UTC)
_profile: list[Path] = []


def require(tool: str) -> str:
    """The path of `tool`; skips the test without it (fails when CI requires LibreOffice)."""
    path = shutil.which(tool)
    if path is None:
        if "1" in (os.environ.get("REQUIRE_LIBREOFFICE"), os.environ.get("REQUIRE_BROWSER")):
            pytest.fail(f"{tool} is required but not installed")
        pytest.skip(f"{tool} is not installed")
    return path


def require_tools() -> str:
    """The path of `soffice`, after checking that it and poppler's tools are installed."""
    soffice = require("soffice")
    require("pdfinfo")
    require("pdftotext")
    return soffice


def _process_profile() -> Path:
    if not _profile:
        folder = Path(tempfile.mkdtemp(prefix="dashboard_test_soffice_"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _profile.append(folder)
    return _profile[0]


def convert(files: list[Path], outdir: Path, *, target: str = "pdf", profile: Path | None = None) -> None:
    """LibreOffice converts `files` into `outdir` in one run (starting it is most of the cost), with
    this process's warm profile unless `profile` names another."""
    subprocess.run(
        [
            require_tools(),
            f"-env:UserInstallation={(profile or _process_profile()).as_uri()}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *[str(f) for f in files],
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env={**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)},
    )


def print_pages(document: Path) -> list[tuple[tuple[int, int], str]]:
    """Print `document` (.docx or .xlsx) to a PDF beside it; (page size in points, text) for each page."""
    convert([document], document.parent)
    return pdf_pages(document.with_suffix(".pdf"))


def pdf_pages(pdf: Path) -> list[tuple[tuple[int, int], str]]:
    """(page size in points, text as laid out) for each page."""
    require("pdfinfo")
    require("pdftotext")
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


def fonts(pdf: Path) -> set[str]:
    """The faces embedded in `pdf`, without their subset prefix (ABCDEF+LiberationSerif -> LiberationSerif)."""
    listing = subprocess.run(
        [require("pdffonts"), str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:] if line.strip()}


@dataclass(frozen=True)
class Printed:
    """The session's printed documents: file name -> its PDF's pages; `folder` holds the PDFs."""

    folder: Path
    pages: dict[str, list[tuple[tuple[int, int], str]]]
    city_names: list[str]  # city{n}.docx is the summary of city_names[n]

    def pdf(self, name: str) -> Path:
        return self.folder / (name.rsplit(".", 1)[0] + ".pdf")


def _documents(engine) -> tuple[dict[str, bytes], list[str]]:
    """Every kind of document, from a store with three decisions and a meeting record."""
    from dashboard.documents import bundles, city_summary, export, minutes, packet
    from dashboard.domain import cycles, decisions, meeting, meeting_record, queries
    from dashboard.domain.permissions import Actor

    with Session(engine) as s:
        cities = queries.cities(s)
        for proposal_id in ("111-01", "112-J03", "112-J34"):
            decisions.record(
                s,
                proposal_id=proposal_id,
                resolution="修正後通過",
                actor=Actor.secretariat("祕書甲"),
                now=T0,
                note="請主辦機關依與會意見修正後辦理，並於下次會議報告辦理情形。" * 3,
            )
        meeting_record.record(
            s,
            meeting_id=meeting.meeting_info(s).meeting.id,
            actor=Actor.secretariat("祕書甲"),
            now=T0,
            minutes_taker="王小明",
            attendance={c.code: "副首長 ○○○" for c in cities},
            conclusions="一、各案依決議辦理。\n二、下次會議由桃園市主辦。",
        )
        frame = queries.proposals_frame(s)
        cycle = cycles.current_cycle(s)
        files = {
            "minutes.docx": minutes.docx_from(engine),
            "decisions.xlsx": minutes.xlsx_from(engine),
            "proposals.xlsx": export.xlsx_bytes(export.proposals_download(frame)),
            "packet.docx": packet.packet_docx(s, cycle=cycle),
            "bundle.docx": bundles.bundle_docx(s, bundles.group_bundle(s, group="culture-education", cycle=cycle)),
        }
        names = [c.name for c in cities]
        for number, city in enumerate(names):
            files[f"city{number}.docx"] = city_summary.summary_docx(city_summary.summary(s, city=city, cycle=cycle))
    return files, names


@pytest.fixture(scope="session")
def printed(tmp_path_factory) -> Printed:
    """The minutes, the decisions workbook, the proposal list, the packet, a group's card bundle and
    every city's summary, printed by LibreOffice once for the session."""
    for tool in ("soffice", "pdfinfo", "pdftotext", "pdffonts"):
        require(tool)
    from dashboard.store.db import make_engine

    folder = tmp_path_factory.mktemp("printed")
    with databases.database(folder / "store.db", loaded=True) as url:
        engine = make_engine(url)
        files, names = _documents(engine)
        engine.dispose()
    for name, content in files.items():
        (folder / name).write_bytes(content)
    convert([folder / name for name in files], folder)
    return Printed(folder, {name: pdf_pages(folder / (name.rsplit(".", 1)[0] + ".pdf")) for name in files}, names)
