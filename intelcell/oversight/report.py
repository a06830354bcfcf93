"""The coordinator's PDF report: contributions by member, monthly trends, plan status, gaps against targets.

Drawn with matplotlib's object API (``Figure``, never pyplot): no display, no global figure state,
so concurrent requests in the server's thread pool cannot draw on each other's pages; the PDF
backend renders it without Agg or a GUI. Every page carries the summary's dominant label as a
banner at its top and bottom, as a classified document must.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from intelcell.domain.oversight.contribution import KINDS
from intelcell.domain.oversight.plan import STATUSES
from intelcell.oversight.summary import Summary

_A4 = (8.27, 11.69)
_BANNER = "#b00020"
_STATUS_COLOURS = ["#9e9e9e", "#1976d2", "#f57c00", "#388e3c", "#616161"]


def _page(title: str, summary: Summary, panels: int = 2, left: float = 0.12) -> tuple[Figure, list[Axes]]:
    """A page with the label banner top and bottom, a title, and ``panels`` chart axes stacked."""
    fig = Figure(figsize=_A4)
    label = summary.label.text()
    for y, va in ((0.985, "top"), (0.015, "bottom")):
        fig.text(
            0.5,
            y,
            label,
            ha="center",
            va=va,
            color="white",
            fontsize=10,
            weight="bold",
            bbox={"facecolor": _BANNER, "edgecolor": _BANNER, "boxstyle": "square,pad=0.4"},
        )
    fig.text(0.07, 0.93, title, fontsize=15, weight="bold")
    fig.text(0.07, 0.905, f"Coordinator oversight, period {summary.period.text()}", fontsize=9, color="#444444")
    height = 0.78 / panels
    axes = [fig.add_axes((left, 0.08 + i * height + 0.05, 0.92 - left, height - 0.09)) for i in range(panels)]
    return fig, axes[::-1]


def _grouped(ax: Axes, summary: Summary, source: str, codes: list[str], title: str) -> None:
    """Horizontal grouped bars per member, one bar per measure: who contributes what."""
    members = sorted(m for m in summary.members if any(summary.members[m][source].get(c) for c in codes))
    shown = [c for c in codes if any(summary.members[m][source].get(c) for m in members)]
    width = 0.8 / max(1, len(shown))
    for i, code in enumerate(shown):
        values = [float(summary.members[m][source].get(code) or 0) for m in members]
        positions = [y + (i - (len(shown) - 1) / 2) * width for y in range(len(members))]
        ax.barh(positions, values, height=width, label=f"{KINDS[code].title} ({KINDS[code].unit})")
    ax.set_yticks(range(len(members)), members)
    ax.set_title(title, fontsize=11, loc="left")
    if shown:
        ax.legend(fontsize=7, loc="best")
    else:
        ax.text(0.5, 0.5, "nothing you may see in this period", ha="center", transform=ax.transAxes)
    ax.invert_yaxis()


def _trend(ax: Axes, months: list[dict[str, Any]], codes: list[str], title: str) -> None:
    """One line per measure over the months of the period."""
    names = [m["period"] for m in months]
    for code in codes:
        values = [float(m["totals"].get(code) or 0) for m in months]
        ax.plot(names, values, marker="o", label=f"{KINDS[code].title} ({KINDS[code].unit})")
    ax.set_title(title, fontsize=11, loc="left")
    ax.legend(fontsize=7, loc="best")
    ax.tick_params(axis="x", labelrotation=45, labelsize=7)


def _reached(gap: dict[str, Any]) -> float:
    """The share of a target reached, 0..1 (a ceiling that is met is wholly reached)."""
    if gap["met"]:
        return 1.0
    actual, target = gap["actual"] or 0.0, gap["target"]
    if KINDS[gap["measure"]].higher_is_better:
        return min(1.0, actual / target) if target else 1.0
    return min(1.0, target / actual) if actual else 0.0


def render(summary: Summary, today: date) -> bytes:
    """The PDF report of ``summary`` as bytes."""
    out = io.BytesIO()
    meta = {"Title": f"intelcell oversight {summary.period.text()}", "Subject": summary.label.text()}
    with PdfPages(out, metadata=meta) as pdf:
        fig, (top, bottom) = _page("Contributions by member", summary)
        reported = ["awacs_missions", "aar_sorties", "trainees_trained"]
        _grouped(top, summary, "manual", reported, "Reported by members (counts)")
        intelligence = ["objects_shared", "rfis_answered", "ftf_records", "screening_hits"]
        _grouped(bottom, summary, "computed", intelligence, "Intelligence from the cell's own data (counts)")
        pdf.savefig(fig)

        fig, axes = _page("Trends by month", summary, panels=3)
        hours = ["awacs_flight_hours", "awacs_time_on_station_hours", "air_picture_hours"]
        _trend(axes[0], summary.months, hours, "Hours: AWACS and the air picture")
        _trend(axes[1], summary.months, ["aar_sorties", "trainees_trained"], "Refuelling and training")
        _trend(axes[2], summary.months, intelligence, "Intelligence from the cell's own data")
        pdf.savefig(fig)

        fig, (top, bottom) = _page("Action plan status and gaps against targets", summary, left=0.4)
        counts = [summary.plan_status.get(s, 0) for s in STATUSES]
        top.bar([s.replace("_", " ") for s in STATUSES], counts, color=_STATUS_COLOURS)
        top.yaxis.set_major_locator(MaxNLocator(integer=True))
        overdue = summary.plan_status.get("overdue", 0)
        top.set_title(f"Plan items by status ({overdue} overdue)", fontsize=11, loc="left")
        gaps = summary.gaps[:16]
        names = [f"{KINDS[g['measure']].title} ({g['member'] or 'all'})\n{g['title'][:40]}" for g in gaps]
        bottom.barh(names, [1.0] * len(gaps), color="#eeeeee")
        bottom.barh(names, [_reached(g) for g in gaps], color=["#388e3c" if g["met"] else "#d32f2f" for g in gaps])
        bottom.set_xlim(0, 1)
        bottom.set_title("Share of each target reached (red: a gap remains)", fontsize=11, loc="left")
        bottom.tick_params(axis="y", labelsize=6)
        bottom.invert_yaxis()
        if not gaps:
            bottom.text(0.5, 0.5, "no targets you may see", ha="center", transform=bottom.transAxes)
        fig.text(0.07, 0.035, f"Generated {today.isoformat()} by intelcell", fontsize=7, color="#666666")
        pdf.savefig(fig)
    return out.getvalue()
