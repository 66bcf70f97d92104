"""Check the Dagster UI in a real browser (`make ui-check`): the data-quality checks of the last
`make run` are listed on the facts asset, and a failing check's failures read as a table.

Starts dagster-webserver on a free loopback port over the project's instance, drives headless
Chromium with Playwright (the system's Chromium: `apt-get install chromium`), writes
screenshots to data/reports/, and fails if the failures table does not show the finding.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "reports"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the UI did not answer at {url}")


def dismiss_dialog(page) -> None:
    """Close Dagster's first-visit community dialog if it is open."""
    skip = page.get_by_role("button", name="Skip")
    if skip.count():
        skip.first.click()
        page.wait_for_timeout(500)


def main() -> int:
    port = free_port()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "dagster-webserver"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-w",
            "workspace.yaml",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "DAGSTER_HOME": str(ROOT / ".dagster_home")},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/server_info")
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/assets/budget_facts?view=checks")
            page.get_by_text("within_table_sums", exact=True).first.wait_for(timeout=60_000)
            # a check's latest verdict, whichever it is: on the shipped documents some checks
            # find something in every family (a WARN failure shows as "Failed")
            verdict = re.compile(r"^(Succeeded|Failed)$")
            page.get_by_text(verdict).first.wait_for(timeout=60_000)
            page.wait_for_timeout(2000)  # a first-visit dialog may open over the page
            dismiss_dialog(page)
            page.screenshot(path=OUT / "ui-checks.png")
            page.get_by_text("cross_table", exact=True).first.click()
            dismiss_dialog(page)
            page.get_by_text("Show Markdown").first.click()
            page.get_by_text("2010399").first.wait_for(timeout=30_000)
            page.wait_for_timeout(1500)  # let the dialog finish opening
            page.screenshot(path=OUT / "ui-cross-table-failures.png")
            browser.close()
        print(f"UI checked: screenshots in {OUT.relative_to(ROOT)}/ui-*.png")
        return 0
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
