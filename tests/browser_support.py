"""Helpers for the browser tests: a real `streamlit run` server, Debian's Chromium driven by
Playwright (never `playwright install`: no browser download), and watchers for requests, console
errors and dialogs.
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
APP = ROOT / "dashboard" / "app.py"
CHROMIUM = os.environ.get("STRIKES_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: Environment variables that would let the page go online; the tests run the offline default.
ONLINE_SWITCHES = ("STRIKES_WEB_TILES", "STRIKES_ONLINE_GEOCODING", "MAPBOX_API_KEY", "CARTO_API_KEY")


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(reason: str):
    """Skip outside CI; under CI a missing browser is a failure, never a silent skip."""
    if in_ci():
        pytest.fail(f"browser tests must run under CI=true, but {reason}", pytrace=False)
    pytest.skip(reason)


def require_chromium() -> None:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does it)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("the Python package playwright is not installed (pip install -e '.[test]')")


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dashboard(*argv: str, env: dict | None = None) -> str:
    """Run `python -m dashboard ...` from the project root; fail the test on a non-zero exit."""
    run = subprocess.run([sys.executable, "-m", "dashboard", *argv], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, env=env)
    if run.returncode != 0:
        pytest.fail(f"python -m dashboard {' '.join(argv)} exited {run.returncode}:\n{run.stderr}")
    return run.stdout


def offline_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ONLINE_SWITCHES}
    env.update(extra)
    return env


class StreamlitServer:
    """`streamlit run dashboard/app.py` on a free port of 127.0.0.1 with its own store."""

    def __init__(self, db: Path, name: str, app: Path | None = None):
        self.db, self.name, self.app = Path(db), name, Path(app or APP)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"streamlit-{name}.log"

    def start(self, timeout: float = 90) -> "StreamlitServer":
        if not self.app.exists():
            pytest.fail(f"{self.app} does not exist (the page is not written yet?)", pytrace=False)
        script = self.app.relative_to(ROOT) if self.app.is_relative_to(ROOT) else self.app
        cmd = [sys.executable, "-m", "streamlit", "run", str(script),
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--server.headless", "true"]
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=offline_env(STRIKES_DB=str(self.db)))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"streamlit exited {self.proc.returncode}:\n{self.log_tail()}", pytrace=False)
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        pytest.fail(f"streamlit did not answer /_stcore/health within {timeout:.0f} s:\n{self.log_tail()}",
                    pytrace=False)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        if getattr(self, "log", None):
            self.log.close()

    def log_tail(self, n: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        return ""

    def own(self, url: str) -> bool:
        """True for the app's own URLs (http/ws on 127.0.0.1 or localhost at its port), data: and blob:."""
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        return parts.hostname in ("127.0.0.1", "localhost") and parts.port == self.port


@dataclass
class Watch:
    """What a page did: every request and websocket, console errors, uncaught errors, dialogs."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, context, page) -> "Watch":
        context.on("request", lambda r: self.requests.append(r.url))
        page.on("websocket", lambda ws: self.requests.append(ws.url))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"{m.text} @ {m.location.get('url', '')}:{m.location.get('lineNumber', '')}"))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))

        def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()
        page.on("dialog", on_dialog)
        return self

    def foreign(self, server: StreamlitServer) -> list[str]:
        return sorted({u for u in self.requests if not server.own(u)})


def open_page(browser, server: StreamlitServer, query: str = "", *, width: int = 1600, height: int = 1400):
    """A fresh context and page (watched) at the app's URL with ``query``; waits for the app to run."""
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
    page = context.new_page()
    watch = Watch().attach(context, page)
    page.goto(f"{server.url}/{query}", wait_until="domcontentloaded", timeout=60_000)
    wait_until_idle(page)
    return context, page, watch


@contextlib.contextmanager
def visit(browser, server: StreamlitServer, name: str, query: str = ""):
    """Open the app (see `open_page`), yield (page, watch); the full page is kept as
    test-artifacts/<name>.png whatever happens, then the context is closed."""
    context = page = None
    try:
        context, page, watch = open_page(browser, server, query)
        yield page, watch
    finally:
        if page is not None:
            with contextlib.suppress(Exception):
                save(page, name)
        if context is not None:
            context.close()


def wait_until_idle(page, timeout: float = 60) -> None:
    """Wait for Streamlit's first script run to finish: the app container is there and no
    "running" status widget shows for a moment."""
    page.wait_for_selector('[data-testid="stAppViewContainer"]', timeout=timeout * 1000)
    deadline, quiet_since = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]:visible, [data-testid="stSpinner"]:visible').count()
        stale = page.locator('[data-stale="true"]').count()
        if running == 0 and stale == 0 and page.locator('[data-testid="stMain"] [data-testid="stElementContainer"], '
                                                        '[data-testid="stMain"] .element-container').count():
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 1.0:
                return
        else:
            quiet_since = None
        page.wait_for_timeout(200)
    raise AssertionError("the page did not finish running within %.0f s" % timeout)


def metrics(page) -> dict[str, str]:
    """st.metric tiles on the page: label -> value text (the first tile of each label)."""
    pairs = page.eval_on_selector_all(
        '[data-testid="stMetric"]',
        """els => els.map(el => [
              (el.querySelector('[data-testid="stMetricLabel"]') || {}).innerText || '',
              (el.querySelector('[data-testid="stMetricValue"]') || {}).innerText || ''])""")
    out: dict[str, str] = {}
    for label, value in pairs:
        out.setdefault(" ".join(label.split()), " ".join(value.split()))
    return out


def main_text(page) -> str:
    return page.evaluate("() => (document.querySelector('[data-testid=\"stMain\"]') || document.body).innerText")


def wait_for_metrics(page, labels, timeout: float = 60, or_text: str | None = None) -> dict[str, str]:
    """The metric tiles once every one of ``labels`` is on the page and the run has settled; or
    {} when the page shows ``or_text`` instead (a "nothing reported" message, say)."""
    deadline, shown = time.monotonic() + timeout, {}
    while time.monotonic() < deadline:
        shown = metrics(page)
        if page.locator('[data-stale="true"]').count() == 0:
            if all(label in shown for label in labels):
                wait_until_idle(page)
                return metrics(page)
            if or_text and or_text.lower() in main_text(page).lower():
                wait_until_idle(page)
                return metrics(page)
        page.wait_for_timeout(250)
    missing = [label for label in labels if label not in shown]
    raise AssertionError(f"no st.metric labelled {missing} within {timeout:.0f} s; "
                         f"labels on the page: {sorted(shown)}")


def number(text: str | None) -> int | None:
    """The integer in a metric value ("1,234", "16", "≥ 20"), None for "not reported" or "—"."""
    if not text:
        return None
    digits = re.sub(r"[^\d]", "", text)
    return int(digits) if digits else None


def deck_canvas(page):
    """The pydeck chart's element (its <canvas>) once it is on the page."""
    chart = page.locator('[data-testid="stDeckGlJsonChart"]').first
    chart.wait_for(state="visible", timeout=60_000)
    chart.locator("canvas").first.wait_for(state="attached", timeout=60_000)
    return chart


def image_of(png: bytes):
    from PIL import Image
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def drawn(image, min_colours: int = 20) -> bool:
    """Not a blank or uniform area: many colours, and no single colour covers almost everything."""
    colours = image.getcolors(maxcolors=1 << 22) or []
    if len(colours) < min_colours:
        return False
    return max(n for n, _ in colours) < 0.97 * image.width * image.height


def wait_for_map(page, timeout: float = 45):
    """The deck chart element and a screenshot of it once its canvas shows a drawn map."""
    chart = deck_canvas(page)
    chart.scroll_into_view_if_needed()
    deadline, image = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        image = image_of(chart.screenshot())
        if drawn(image):
            return chart, image
        page.wait_for_timeout(500)
    return chart, image


def saturated_spots(image, min_saturation: int = 110, limit: int = 12) -> list[tuple[int, int]]:
    """Centres of strongly coloured spots (the map's circles over a pale basemap), largest first."""
    import numpy as np
    hsv = np.asarray(image.convert("HSV")).astype(int)
    mask = (hsv[..., 1] >= min_saturation) & (hsv[..., 2] >= 90)
    if not mask.any():
        return []
    cell = 12          # coarse grid: count coloured pixels per cell, keep the fullest cells
    h, w = mask.shape
    grid = mask[: h - h % cell, : w - w % cell].reshape(h // cell, cell, w // cell, cell).sum(axis=(1, 3))
    order = np.argsort(-grid, axis=None)[:limit * 4]
    spots: list[tuple[int, int]] = []
    for flat in order:
        gy, gx = divmod(int(flat), grid.shape[1])
        if grid[gy, gx] < cell * cell * 0.6:
            break
        x, y = gx * cell + cell // 2, gy * cell + cell // 2
        if all(abs(x - a) > 2 * cell or abs(y - b) > 2 * cell for a, b in spots):
            spots.append((x, y))
        if len(spots) >= limit:
            break
    return spots


def save(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path



def near_identical(a, b, tolerance: int = 12) -> float:
    """Share of pixels of two same-size images whose channels all differ by at most ``tolerance``
    (anti-aliasing and SwiftShader noise pass; moved borders, land and sea do not)."""
    import numpy as np
    if a.size != b.size:
        b = b.resize(a.size)
    diff = np.abs(np.asarray(a, dtype=int) - np.asarray(b, dtype=int)).max(axis=2)
    return float((diff <= tolerance).mean())


def basemap_similarity(a, b, tolerance: int = 12) -> float:
    """Like `near_identical`, but only over the basemap's drawing: pixels that are not the plain
    land colour (borders, coasts, sea, names) in either image, leaving out the strongly coloured
    circles of either. A uniform land area cannot make two different views look alike."""
    import numpy as np
    if a.size != b.size:
        b = b.resize(a.size)
    pa, pb = np.asarray(a, dtype=int), np.asarray(b, dtype=int)
    colours = a.getcolors(maxcolors=1 << 24) or [(0, (0, 0, 0))]
    land = np.array(max(colours)[1], dtype=int)

    def drawing(p):
        return np.abs(p - land).max(axis=2) > tolerance

    def circles(image):
        hsv = np.asarray(image.convert("HSV")).astype(int)
        return (hsv[..., 1] >= 110) & (hsv[..., 2] >= 90)

    mask = (drawing(pa) | drawing(pb)) & ~circles(a) & ~circles(b)
    if not mask.any():
        return 0.0
    same = np.abs(pa - pb).max(axis=2) <= tolerance
    return float(same[mask].mean())


def wait_for_still_map(chart, page, timeout: float = 20, settle: float = 1.0):
    """A screenshot of the map once two shots ``settle`` seconds apart are near-identical
    (deck.gl's transitions and the software renderer have finished)."""
    deadline = time.monotonic() + timeout
    last = image_of(chart.screenshot())
    while time.monotonic() < deadline:
        page.wait_for_timeout(int(settle * 1000))
        shot = image_of(chart.screenshot())
        if near_identical(last, shot, tolerance=2) > 0.999:
            return shot
        last = shot
    return last


def drag_and_zoom(page, chart, dx: int = 150, dy: int = 90, wheel: int = -400) -> None:
    """Pan the map with a mouse drag from its centre, then zoom in with the wheel."""
    box = chart.locator("canvas").first.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 3, y + dy / 3, steps=5)
    page.mouse.move(x + dx, y + dy, steps=15)
    page.mouse.up()
    page.wait_for_timeout(300)
    page.mouse.move(x + dx, y + dy)
    page.mouse.wheel(0, wheel)


def choose_in_multiselect(page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar multiselect labelled ``label`` (real clicks, no URL change).
    Works with the react-aria combobox (an input labelled ``label``) and the older baseweb select."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label)).first
    box.wait_for(state="visible", timeout=30_000)
    field = box.locator(f'input[aria-label="{label}"], [data-baseweb="select"], [role="combobox"]').first
    field.click()
    choice = page.get_by_role("option", name=option, exact=True).first
    try:
        choice.click(timeout=10_000)
    except Exception:   # the list did not open as a popup: type the option and take it
        field.fill(option)
        page.keyboard.press("Enter")
    page.keyboard.press("Escape")
