"""Charts drawn with matplotlib: SVG on screen (text kept as text, so the browser's Chinese
fonts draw it, and bars as links), the same figures as PNG for PDF and Word."""

from __future__ import annotations

import io
import os
from collections.abc import Sequence

from django.conf import settings

os.environ.setdefault("MPLCONFIGDIR", str(settings.VAR_DIR / "matplotlib"))

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure

CJK_FONTS = [
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "WenQuanYi Micro Hei",
    "DejaVu Sans",
]
PALETTE = ["#b3261e", "#e8a33d", "#3b6fb6", "#8d949d", "#1a7f37", "#6f42c1"]

matplotlib.rcParams.update(
    {
        "font.family": "sans-serif",
        "font.sans-serif": CJK_FONTS,
        "svg.fonttype": "none",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
    }
)


def stacked_bars(
    categories: Sequence[str],
    series: list[tuple[str, Sequence[int]]],
    *,
    urls: Sequence[str] | None = None,
    ylabel: str = "",
    width: float = 10.0,
    height: float = 3.6,
) -> Figure:
    fig = Figure(figsize=(width, height), dpi=100)
    ax = fig.add_subplot()
    x = list(range(len(categories)))
    bottom = [0] * len(categories)
    for i, (label, values) in enumerate(series):
        bars = ax.bar(x, values, bottom=bottom, label=label, color=PALETTE[i % len(PALETTE)], width=0.75)
        if urls:
            for bar, url in zip(bars, urls, strict=True):
                bar.set_url(url)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    step = max(1, -(-len(categories) // 16))  # at most 16 labels: they must not overlap
    ax.set_xticks(x[::step], [categories[i] for i in x[::step]], rotation=0, fontsize=9)
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)
    # Counts: whole numbers from zero, and an empty year an empty axis from 0, not ±0.04.
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylim(bottom=0, top=None if max(bottom, default=0) > 0 else 1)
    # Above the plot area: inside it the legend would cover the tallest bars.
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=len(series), fontsize=9)
    ax.margins(x=0.01)
    fig.tight_layout()
    return fig


def to_svg(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    # Links inside an <object> would open inside the chart; send them to the page instead.
    return svg.replace(b'target="_blank"', b'target="_top"')


def to_png(fig: Figure, dpi: int = 200) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
