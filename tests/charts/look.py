"""Render every sample chart to PNG files for a person to look at: the test a test cannot do.

    PYTHONPATH=src python -m tests.charts.look /tmp/charts-look

Run it after any change to the drawing code and look at each picture: does it read at a
glance, at 15 cm wide, with nothing overlapping?
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from briefgen.charts import ChartData, ChartSeries, ChartStyle, draw_chart

from .samples import FATALITIES, SAMPLES

S = ChartSeries
AWKWARD: dict[str, tuple[ChartData, ChartStyle]] = {
    "horizontal": (ChartData(
        "grouped-bar", "Long source names turn the bars horizontal",
        ("United Nations Security Council Monitoring Team report (2020)",
         "US Department of State Country Reports on Terrorism (2021)",
         "Ali, Afghanistan Analysts Network (2021)",
         "Council on Foreign Relations Global Conflict Tracker"),
        (S("Low", (2200, 2000, 2000, 2000)), S("High", (2200, 3000, 4000, 2000))), "fighters"),
        ChartStyle()),
    "narrow": (SAMPLES["grouped-bar"], ChartStyle(width_cm=8, height_cm=6)),
    "negative": (ChartData("bar", "Negative values", ("2018", "2019", "2020", "2021", "2022"),
                           (S("Change", (120.5, -45.25, 0, 1234.75, -300)),),
                           "change in personnel"), ChartStyle()),
    "many-categories": (ChartData("bar", "Sixteen regions", tuple(f"Region {c}" for c in
                                                                  "ABCDEFGHIJKLMNOP"),
                                  (S("x", tuple(float(i * 137 % 900 + 50) for i in range(16))),),
                                  "incidents"), ChartStyle()),
    "stacked-thin": (ChartData("stacked-bar", "Thin segments",
                               ("Afghan Ministry of Public Health, 27 August",
                                "New York Times count of named victims", "Hospitals survey"),
                               (S("Afghans", (180, 79, 175)), S("US service members", (13, 13, 13)),
                                S("UK nationals", (3, 2, 3))), "people killed"), ChartStyle()),
    "line-quarters": (ChartData("line", "Quarterly, three series",
                                tuple(f"Q{q} {y}" for y in range(2015, 2022) for q in range(1, 5)),
                                (S("Attacks", tuple(float(i * 53 % 70 + 10) for i in range(28))),
                                 S("Arrests", tuple(float(i * 31 % 40 + 5) for i in range(28))),
                                 S("Other", tuple(float(i * 17 % 30 + 2) for i in range(28)))),
                                "events"), ChartStyle()),
    "part-fatalities": (FATALITIES, ChartStyle()),
    "part-key": (ChartData("part-of-whole", "Many thin parts go to a key",
                           ("Chad", "Bangladesh", "Egypt", "Senegal", "Togo", "Others"),
                           (S("2021", (1400, 1300, 1100, 900, 800, 9709)),
                            S("2019", (1500, 1250, 1000, 1000, 900, 9559))), "personnel"),
                 ChartStyle()),
}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    charts = {name: (chart, ChartStyle()) for name, chart in SAMPLES.items()} | AWKWARD
    with tempfile.TemporaryDirectory() as cache:
        for name, (chart, style) in charts.items():
            start = time.perf_counter()
            images = draw_chart(chart, Path(cache), style)
            shutil.copy(images.png, out / f"{name}.png")
            print(f"{name:16} {images.width_cm:g} x {images.height_cm:.2f} cm  "
                  f"{time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/charts-look"))
