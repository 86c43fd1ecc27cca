"""ratecheck report: one self-contained HTML file and a Markdown summary from stored results."""

import base64
import re
import shutil
import subprocess

import pytest

from ratecheck.cli import main

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("results")
    assert main(["verify", "hb-not-global", "lmo-identities", "--quick", "--out", str(folder)]) == 0
    for fig in (folder / "figures").glob("*.png"):
        fig.unlink()  # the report redraws missing figures from the stored rows
    assert main(["report", str(folder)]) == 0
    return folder


def test_html_is_self_contained_with_table_and_figures(report):
    text = (report / "report.html").read_text()
    assert '<table class="verdicts">' in text and "hb-not-global" in text
    sources = re.findall(r"<img alt='[^']*' src='([^']*)'>", text)
    assert sources and all(s.startswith("data:image/png;base64,") for s in sources)
    for s in sources:
        assert base64.b64decode(s.split(",", 1)[1])[:8] == PNG
    assert "src='figures/" not in text and 'href="http' not in text


def test_markdown_has_the_verdict_table_and_provenance(report):
    text = (report / "report.md").read_text()
    assert "| claim | kind | predicted | measured |" in text
    assert "## lmo-identities" in text and "[derived" in text
    for link in re.findall(r"!\[[^\]]*\]\(([^)]*)\)", text):
        assert (report / link).is_file()


def test_report_of_a_non_results_folder_is_a_one_line_error(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a results folder" in err


def test_html_renders_in_headless_chromium(report, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("headless Chromium is not installed here")
    probe = tmp_path / "probe.html"
    marker = (
        "<script>window.addEventListener('load',()=>{document.body.setAttribute('data-images',"
        "[...document.images].every(i=>i.complete&&i.naturalWidth>0));});</script>"
    )
    probe.write_text((report / "report.html").read_text().replace("</body>", marker + "</body>"))
    dom = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=5000",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert 'data-images="true"' in dom and "<table" in dom


# Issue 21 item 5: a damaged PNG in figures/ is not embedded; the report says so in its place
# and `ratecheck report` warns on stderr, one line per file, with the command that redraws it.

FIGURE = "hb-polyak-transient--worst_direction.png"


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    folder = tmp_path_factory.mktemp("drawn")
    assert main(["verify", "hb-polyak-transient", "--quick", "--out", str(folder)]) == 0
    assert (folder / "figures" / FIGURE).is_file()
    return folder


def _flip_in_idat(data):
    at = data.index(b"IDAT") + 20  # a byte of the first IDAT chunk's data
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


@pytest.mark.parametrize(
    "damage,why",
    [
        (lambda data: data[: len(data) // 2], "truncated"),
        (lambda data: data[:-1], "truncated"),  # the end chunk's CRC cut short
        (_flip_in_idat, "its IDAT chunk fails the CRC check"),
        (lambda data: b"", "empty"),
        (lambda data: b"<html>not a picture</html>", "no PNG signature"),
    ],
    ids=["half", "last-byte", "flipped-byte", "empty", "not-png"],
)
def test_damaged_png_is_not_embedded_and_warned_about(drawn, tmp_path, damage, why, capsys):
    folder = shutil.copytree(drawn, tmp_path / "results")
    figure = folder / "figures" / FIGURE
    figure.write_bytes(damage(figure.read_bytes()))
    capsys.readouterr()
    assert main(["report", str(folder)]) == 0
    err = capsys.readouterr().err
    note = (
        f"figure figures/{FIGURE} is damaged ({why}) and is not embedded; "
        f"redraw it with: ratecheck plot {folder}"
    )
    assert err == f"ratecheck: warning: {note}\n"
    html, md = (folder / "report.html").read_text(), (folder / "report.md").read_text()
    shown = "Figure" + note.removeprefix("figure")  # the report's text in the figure's place
    intact = len(list((folder / "figures").glob("*.png"))) - 1  # the others are embedded
    assert html.count("<img") == intact and shown in html
    assert md.count("![") == intact and shown in md
    assert main(["plot", str(folder)]) == 0  # what the warning says to do mends it
    assert main(["report", str(folder)]) == 0
    assert capsys.readouterr().err == "" and "<img" in (folder / "report.html").read_text()


def test_png_damage_accepts_whole_files_only(drawn):
    from ratecheck.figures.report import png_damage

    data = (drawn / "figures" / FIGURE).read_bytes()
    assert png_damage(data) is None
    assert all(png_damage(data[:n]) for n in range(0, len(data), 97))
    assert png_damage(_flip_in_idat(data)) == "its IDAT chunk fails the CRC check"
