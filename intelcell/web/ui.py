"""The modules of the browser UI, in the order the app includes their routers."""

from __future__ import annotations

from intelcell.web import (
    admin_pages,
    airpicture,
    assets,
    audit_pages,
    exchange_pages,
    fighters_pages,
    inbox_pages,
    oversight_pages,
    pages,
    picker,
    record_form_pages,
    report_pages,
    rfi_pages,
    upload_pages,
    watchlist_pages,
)

#: Every module that registers routes of the UI; each page handler checks the browser session
#: itself (tests/web/test_ui_routes.py walks them all).
MODULES = (
    pages,
    airpicture,
    assets,
    exchange_pages,
    fighters_pages,
    watchlist_pages,
    upload_pages,
    record_form_pages,
    inbox_pages,
    report_pages,
    rfi_pages,
    audit_pages,
    oversight_pages,
    admin_pages,
    picker,
)
