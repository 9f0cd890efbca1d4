"""The newsroom page: ``streamlit run dashboard/app.py``.

Two pages through st.navigation: "Map" (the default) and "Add reports". Each page is wrapped so
that an unexpected error shows one short sentence, not a stack trace (the trace goes to the
server log; set STRIKES_DEBUG=1 to see it on the page while developing).
"""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_ROOT = _HERE.parent
# Streamlit puts this file's folder first on sys.path. The modules here are a package; left
# there, names like `maps` or `reports` would shadow other top-level modules.
sys.path[:] = [p for p in sys.path if not p or Path(p).resolve() != _HERE]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from dashboard.views import add_reports, map_page  # noqa: E402

log = logging.getLogger("dashboard.app")
PROBLEM = ("Something went wrong while drawing this page. Try clearing the filters or reloading "
           "the page; if it happens again, tell the maintainers (the details are in the server log).")


def guarded(render, name: str):
    """A page function that turns an unexpected error into a short message."""
    def page() -> None:
        try:
            render()
        except Exception:  # noqa: BLE001 - st.rerun/st.stop are BaseExceptions and pass through
            log.exception("page %s failed", name)
            if os.environ.get("STRIKES_DEBUG"):
                raise
            st.error(PROBLEM)
    page.__name__ = name
    page.__qualname__ = name
    return page


def main() -> None:
    # No page_icon and no page icons: the current page's icon becomes the favicon, which the
    # browser would fetch from a font CDN (measured), and nothing may leave the machine.
    st.set_page_config(page_title="Strike map", layout="wide")
    pages = [
        st.Page(guarded(map_page.render, "map"), title="Map", url_path="map", default=True),
        st.Page(guarded(add_reports.render, "add_reports"), title="Add reports", url_path="add-reports"),
    ]
    st.navigation(pages).run()


main()
