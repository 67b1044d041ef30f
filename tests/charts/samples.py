"""Sample charts with the figures the briefs use, shared by the chart tests."""

from __future__ import annotations

from briefgen.charts import ChartData, ChartSeries

# IS-K fighters by source: UN 2020 2,200; US State Dept 2021 2,000-3,000; Ali 2021
# 2,000-4,000; CFR nearly 2,000. Kabul airport attack, Afghan deaths by source: 180, 79, 175.
# MINUSMA: 13 soldiers to 2 police; 253 fatalities of 15,209 authorised personnel.
SAMPLES: dict[str, ChartData] = {
    "bar": ChartData(
        "bar", "IS-K fighters by source (high estimates)",
        ("UN (2020)", "US State Dept (2021)", "Ali (2021)", "CFR"),
        (ChartSeries("Fighters", (2200, 3000, 4000, 2000)),), "fighters"),
    "grouped-bar": ChartData(
        "grouped-bar", "IS-K fighter estimates, low and high",
        ("UN (2020)", "US State Department (2021)", "Ali (2021)", "Council on Foreign Relations"),
        (ChartSeries("Low estimate", (2200, 2000, 2000, 2000)),
         ChartSeries("High estimate", (2200, 3000, 4000, 2000))), "fighters"),
    "stacked-bar": ChartData(
        "stacked-bar", "Deaths in the Kabul airport attack by source",
        ("Source A", "Source B", "Source C"),
        (ChartSeries("Afghans", (180, 79, 175)), ChartSeries("US service members", (13, 13, 13))),
        "people killed"),
    "line": ChartData(
        "line", "IS-K estimates over time (illustrative)", ("2016", "2018", "2020", "2021"),
        (ChartSeries("Low", (1500, 2500, 2200, 2000)),
         ChartSeries("High", (3000, 4000, 2200, 4000))),
        "fighters"),
    "part-of-whole": ChartData(
        "part-of-whole", "Soldiers to police in MINUSMA", ("Soldiers", "Police"),
        (ChartSeries("MINUSMA", (13, 2)),), "parts"),
}

FATALITIES = ChartData(
    "part-of-whole", "MINUSMA fatalities among authorised personnel",
    ("Killed", "Other authorised personnel"), (ChartSeries("MINUSMA", (253, 15209 - 253)),),
    "personnel")
