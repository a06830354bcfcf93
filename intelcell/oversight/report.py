"""The coordinator's PDF report: contributions by member, monthly trends, plan status, gaps against targets.

Rendered with matplotlib's Agg backend (no display needed on a server). Every page carries the
summary's dominant label as a banner at its top and bottom, as a classified document must.
"""

from __future__ import annotations

import io
from datetime import date

import matplotlib

matplotlib.use("Agg")  # before pyplot: a server has no display

import matplotlib.pyplot as plt
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from intelcell.domain.oversight.contribution import KINDS
from intelcell.domain.oversight.plan import STATUSES
from intelcell.oversight.summary import Summary

_A4 = (8.27, 11.69)
_BANNER = "#b00020"


def _page(title: str, summary: Summary) -> tuple[Figure, list]:  # type: ignore[type-arg]
    """A page with the label banner top and bottom and a title; returns the figure and two chart axes."""
    fig = plt.figure(figsize=_A4)
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
    axes = [fig.add_axes((0.12, 0.52, 0.8, 0.34)), fig.add_axes((0.12, 0.08, 0.8, 0.34))]
    return fig, axes


def _members_chart(ax, summary: Summary, source: str, codes: list[str], title: str) -> None:  # type: ignore[no-untyped-def]
    """Horizontal stacked bars per member: who contributes what."""
    members = sorted(summary.members)
    left = [0.0] * len(members)
    for code in codes:
        values = [float(summary.members[m][source].get(code) or 0) for m in members]
        if not any(values):
            continue
        ax.barh(members, values, left=left, label=f"{KINDS[code].title} ({KINDS[code].unit})")
        left = [a + b for a, b in zip(left, values, strict=True)]
    ax.set_title(title, fontsize=11, loc="left")
    if any(left):
        ax.legend(fontsize=7, loc="lower right")
    else:
        ax.text(0.5, 0.5, "nothing you may see in this period", ha="center", transform=ax.transAxes)
    ax.invert_yaxis()


def render(summary: Summary, today: date) -> bytes:
    """The PDF report of ``summary`` as bytes."""
    out = io.BytesIO()
    with PdfPages(
        out, metadata={"Title": f"intelcell oversight {summary.period.text()}", "Subject": summary.label.text()}
    ) as pdf:
        fig, (top, bottom) = _page("Contributions by member", summary)
        _members_chart(top, summary, "manual", ["awacs_flight_hours", "awacs_time_on_station_hours"], "AWACS (hours)")
        _members_chart(
            bottom,
            summary,
            "computed",
            ["objects_shared", "rfis_answered", "ftf_records", "screening_hits"],
            "Intelligence from the cell's own data (counts)",
        )
        pdf.savefig(fig)
        plt.close(fig)

        fig, (top, bottom) = _page("Trends by month", summary)
        months = [m["period"] for m in summary.months]
        for ax, codes, title in (
            (top, ["awacs_flight_hours", "aar_sorties", "trainees_trained"], "Reported contributions"),
            (bottom, ["objects_shared", "rfis_answered", "ftf_records", "air_picture_hours"], "Computed contributions"),
        ):
            for code in codes:
                ax.plot(
                    months,
                    [float(m["totals"].get(code) or 0) for m in summary.months],
                    marker="o",
                    label=f"{KINDS[code].title} ({KINDS[code].unit})",
                )
            ax.set_title(title, fontsize=11, loc="left")
            ax.legend(fontsize=7)
            ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        pdf.savefig(fig)
        plt.close(fig)

        fig, (top, bottom) = _page("Action plan status and gaps against targets", summary)
        counts = [summary.plan_status.get(s, 0) for s in STATUSES]
        top.bar(STATUSES, counts, color=["#9e9e9e", "#1976d2", "#f57c00", "#388e3c", "#616161"])
        top.set_title(
            f"Plan items by status ({summary.plan_status.get('overdue', 0)} overdue)", fontsize=11, loc="left"
        )
        gaps = summary.gaps[:14]
        names = [f"{g['title'][:28]} {g['member'] or 'all'}: {KINDS[g['measure']].title[:24]}" for g in gaps]
        shares = [min(1.0, (g["actual"] or 0) / g["target"]) if g["target"] else 1.0 for g in gaps]
        bottom.barh(names, [1.0] * len(gaps), color="#eeeeee")
        bottom.barh(names, shares, color=["#388e3c" if g["met"] else "#d32f2f" for g in gaps])
        bottom.set_xlim(0, 1)
        bottom.set_title("Share of each target reached (red: gap remains)", fontsize=11, loc="left")
        bottom.tick_params(axis="y", labelsize=6)
        bottom.invert_yaxis()
        if not gaps:
            bottom.text(0.5, 0.5, "no targets you may see", ha="center", transform=bottom.transAxes)
        fig.text(0.07, 0.45, f"Report generated {today.isoformat()}", fontsize=7, color="#666666")
        pdf.savefig(fig)
        plt.close(fig)
    return out.getvalue()
