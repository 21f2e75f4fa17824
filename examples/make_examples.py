"""Write the example agendas, examples/agenda.xlsx and examples/agenda.csv, from the rows below.

Run it after changing the rows: ``python examples/make_examples.py``. The output is fixed, byte
for byte, so the committed files only change when the rows (or the layout) do.

The agenda is deliberately awkward in the ways real ones are: a title above the header, talks
listed above their track, HTML descriptions, accents, Greek and Japanese text, empty capacities.
"""

from __future__ import annotations

import csv
import datetime
import sys
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from importer.check.columns import CANONICAL_HEADERS
from importer.write.template import deterministic_xlsx

HERE = Path(__file__).resolve().parent
TITLE = "Nordlicht Data Summit 2026 — Agenda"
HEADERS = CANONICAL_HEADERS
WIDTHS = (14, 10, 62, 70, 12, 11, 11, 15, 10, 36)
HEADER_ROW = 3
# Both the document properties and every zip entry carry this instead of "now".
FIXED_TIME = datetime.datetime(2026, 1, 15, 9, 0, 0)
D1, D2 = "2026-06-10", "2026-06-11"
MAIN, R101, R102, WORKSHOP = "Main Hall", "Room 101", "Room 102", "Workshop Room"

Row = tuple[str, str, str, str, str, str, str, str, int | None, str]
# (Reference ID, Parent, Title, Description, Date, Start, End, Location, Capacity, Tags),
# in the order they appear in the files.
# fmt: off
ROWS: list[Row] = [
    ("D1-WEL", "", "Welcome & Opening",
     "<p>Doors open at 08:15. Pick up your badge in the foyer.</p>",
     D1, "09:00", "09:15", MAIN, 600, "Plenary"),
    ("D1-KEY", "", "Opening Keynote: Streams, Not Batches — Rethinking the Data Platform",
     "Ingrid Søndergaard (CTO, Fjordline Logistics) on why the nightly batch is quietly "
     "dying, and what replaces it.",
     D1, "09:15", "10:00", MAIN, 600, "Keynote, Data Engineering"),
    ("D1-BRK1", "", "Coffee Break",
     "",
     D1, "10:00", "10:30", MAIN, None, "Break"),
    # A talk above its own track, as people do when they paste rows in.
    ("D1-T1-01", "D1-T1", "Incremental Models Without Tears",
     "Jürgen Müller shows how a six-hour rebuild became a six-minute incremental run.",
     D1, "10:30", "11:00", R101, 120, "Data Engineering, Beginner"),
    ("D1-T1", "", "Track: Data Engineering",
     "<p>Four talks on building pipelines that survive contact with production.</p>",
     D1, "10:30", "12:30", R101, 120, "Data Engineering"),
    ("D1-T1-02", "D1-T1", "Schema Evolution in Apache Iceberg",
     "<p>Adding, renaming and dropping columns without rewriting "
     "petabytes:</p><ul><li>partition evolution</li><li>hidden partitioning</li><li>time "
     "travel</li></ul>",
     D1, "11:00", "11:30", R101, 120, "Data Engineering, Intermediate"),
    ("D1-T1-03", "D1-T1", "Orchestration Showdown: Airflow, Dagster, Prefect",
     "Amélie Laurent runs the same pipeline on all three and keeps score.",
     D1, "11:30", "12:00", R101, 120, "Data Engineering, Intermediate"),
    ("D1-T1-04", "D1-T1", "Data Contracts — Promises Your Pipelines Can Keep",
     "Why a YAML file and a CI check beat a meeting. By Tomás Ferreira.",
     D1, "12:00", "12:30", R101, 120, "Data Engineering, Data Quality, Advanced"),
    ("D1-T2", "", "Track: Machine Learning in Production",
     "<p>From notebook to pager duty: what it takes to keep models useful.</p>",
     D1, "10:30", "12:30", R102, 100, "Machine Learning"),
    ("D1-T2-01", "D1-T2", "Feature Stores: Build, Buy or Skip?",
     "A decision guide from three companies that tried all three. By Priya Raman.",
     D1, "10:30", "11:00", R102, 100, "Machine Learning, Intermediate"),
    ("D1-T2-02", "D1-T2", "Monitoring Models After Go-Live",
     "<p>Drift, decay and the alerts that actually matter.</p>",
     D1, "11:00", "11:30", R102, 100, "Machine Learning, MLOps, Intermediate"),
    ("D1-T2-03", "D1-T2", "LLMs on a Budget: Distillation for Mortals",
     "Fitting a useful language model on one GPU. By Noémie Girard.",
     D1, "11:30", "12:00", R102, None, "Machine Learning, LLM, Advanced"),
    ("D1-T2-04", "D1-T2", "Shipping Models to the Edge — Lessons from 4,000 Wind Turbines",
     "Søren Østergaard on over-the-air model updates in the North Sea.",
     D1, "12:00", "12:30", R102, None, "Machine Learning, IoT"),
    ("D1-WS", "", "Workshop: Building a Lakehouse with Apache Iceberg",
     "<p>A hands-on day in three parts. Bring a laptop with Docker "
     "installed.</p><ul><li>Part 1: catalog and storage</li><li>Part 2: "
     "ingestion</li><li>Part 3: queries</li></ul>",
     D1, "10:30", "16:30", WORKSHOP, 30, "Workshop, Data Engineering, Hands-on"),
    ("D1-WS-P1", "D1-WS", "Part 1: Setting Up the Catalog",
     "Local MinIO, a REST catalog and your first table.",
     D1, "10:30", "12:00", WORKSHOP, 30, "Workshop, Hands-on"),
    ("D1-WS-P2", "D1-WS", "Part 2: Ingesting and Evolving Tables",
     "Batch and streaming writes; changing the schema under load.",
     D1, "13:30", "15:00", WORKSHOP, 30, "Workshop, Hands-on"),
    ("D1-WS-P3", "D1-WS", "Part 3: Querying with Trino and DuckDB",
     "<p>Same tables, two engines, one afternoon.</p>",
     D1, "15:15", "16:30", WORKSHOP, 30, "Workshop, Hands-on"),
    ("D1-PANEL", "", "Panel: Data Governance under the EU AI Act",
     "<p>Moderated by Katarzyna Nowak, with speakers from industry, a regulator and a "
     "university.</p>",
     D1, "11:00", "12:00", MAIN, 600, "Panel, Governance"),
    ("D1-LUNCH", "", "Lunch",
     "<p>Vegetarian, vegan and gluten-free options are labelled.</p>",
     D1, "12:30", "13:30", MAIN, None, "Break"),
    ("D1-T3-01", "D1-T3", "Semantic Layers Explained",
     "One definition of revenue, used everywhere. By Hannah Becker.",
     D1, "13:30", "14:00", R101, 120, "Analytics, Beginner"),
    ("D1-T3", "", "Track: Analytics & BI",
     "<p>Dashboards, metrics and the people who read them.</p>",
     D1, "13:30", "15:30", R101, 120, "Analytics"),
    ("D1-T3-02", "D1-T3", "Dashboards Nobody Reads — and How to Fix Them",
     "Usage data from 1,200 dashboards and what it says.",
     D1, "14:00", "14:30", R101, 120, "Analytics, BI"),
    ("D1-T3-03", "D1-T3", "SQL Window Functions: A Visual Guide",
     "<p>ROW_NUMBER, LAG and friends, drawn on a whiteboard.</p>",
     D1, "14:30", "15:00", R101, 120, "Analytics, SQL, Beginner"),
    ("D1-T3-04", "D1-T3", "Self-Service Analytics at Zürich Airport",
     "How 300 staff learned to answer their own questions. By Lukas Brunner.",
     D1, "15:00", "15:30", R101, 120, "Analytics, Case Study"),
    ("D1-T4", "", "Track: Privacy Engineering",
     "<p>Protecting people in the data without losing the data.</p>",
     D1, "13:30", "15:00", R102, 100, "Privacy"),
    ("D1-T4-01", "D1-T4", "Differential Privacy in Practice",
     "Adding just enough noise. By Magnus Lindqvist.",
     D1, "13:30", "14:00", R102, 100, "Privacy, Advanced"),
    ("D1-T4-02", "D1-T4", "Pseudonymisation That Survives an Audit",
     "Michał Kowalczyk on tokenisation, key rotation and re-identification risk.",
     D1, "14:00", "14:30", R102, 100, "Privacy, Security"),
    ("D1-T4-03", "D1-T4", "GDPR Deletion Requests at Scale",
     "<ul><li>finding every copy</li><li>deleting it</li><li>proving it</li></ul>",
     D1, "14:30", "15:00", R102, 100, "Privacy, Data Engineering"),
    ("D1-LIGHT", "", "Lightning Talks",
     "<p>Five-minute talks from attendees. Sign up at the info desk before lunch.</p>",
     D1, "14:00", "15:00", MAIN, 600, "Community"),
    ("D1-BRK2", "", "Coffee Break",
     "",
     D1, "15:30", "16:00", MAIN, None, "Break"),
    ("D1-KEY2", "", "Keynote: Kaizen for Data — 日本の工場から学ぶ",
     "Yuki Tanaka (田中 由紀), Head of Data at Hokusei Motors, on continuous improvement for "
     "data teams.",
     D1, "16:00", "16:45", MAIN, 600, "Keynote, Manufacturing"),
    ("D1-SOCIAL", "", "Evening Reception",
     "<p>Drinks, snacks and the <strong>Nordlicht</strong> data quiz.</p>",
     D1, "18:00", "21:00", MAIN, 400, "Social"),
    ("D2-KEY", "", "Keynote: Trustworthy AI — From Principles to Pipelines",
     "Dr. Łukasz Wiśniewski (Warsaw University of Technology) on turning AI ethics into tests.",
     D2, "09:00", "09:45", MAIN, 600, "Keynote, AI"),
    ("D2-BRK1", "", "Coffee Break",
     "",
     D2, "09:45", "10:15", MAIN, None, "Break"),
    ("D2-T1", "", "Track: Streaming & Real-Time",
     "<p>Events, streams and the systems that keep up with them.</p>",
     D2, "10:15", "12:15", R101, 120, "Streaming"),
    ("D2-T1-01", "D2-T1", "Kafka Is Not a Database (Until It Is)",
     "Compacted topics, tiered storage and where the analogy breaks.",
     D2, "10:15", "10:45", R101, 120, "Streaming, Intermediate"),
    ("D2-T1-02", "D2-T1", "Exactly-Once, Explained",
     "What the guarantee really covers. By Rasmus Kjær.",
     D2, "10:45", "11:15", R101, None, "Streaming, Advanced"),
    ("D2-T1-03", "D2-T1", "Real-Time Fraud Detection with Flink",
     "<p>Scoring card payments in under 50 ms.</p>",
     D2, "11:15", "11:45", R101, None, "Streaming, Machine Learning"),
    ("D2-T1-04", "D2-T1", "Change Data Capture with Debezium",
     "From database log to data lake without a nightly dump.",
     D2, "11:45", "12:15", R101, None, "Streaming, Data Engineering"),
    ("D2-T2", "", "Track: Data Mesh in Practice",
     "<p>Three organisations, three years in, no slogans.</p>",
     D2, "10:15", "12:15", R102, 100, "Data Mesh"),
    ("D2-T2-01", "D2-T2", "Domain Ownership Without Chaos",
     "Chloé Dubois on the first year of a data mesh at a retail bank.",
     D2, "10:15", "10:55", R102, 100, "Data Mesh, Organisation"),
    ("D2-T2-02", "D2-T2", "Platform Teams as Product Teams",
     "Roadmaps, users and SLAs for the people who build the platform.",
     D2, "10:55", "11:35", R102, 100, "Data Mesh, Platform"),
    ("D2-T2-03", "D2-T2", "Federated Governance: Who Decides?",
     "<p>A decision log from 40 domain teams.</p>",
     D2, "11:35", "12:15", R102, 100, "Data Mesh, Governance"),
    ("D2-SPONSOR", "", "Sponsor Showcase",
     "<p>Short demos from our sponsors, every 15 minutes.</p>",
     D2, "10:30", "12:00", MAIN, 300, "Sponsors"),
    # The workshop's first part above the workshop itself.
    ("D2-WS-P1", "D2-WS", "Part 1: DuckDB Basics",
     "Loading Parquet and CSV, and your first queries.",
     D2, "10:15", "11:45", WORKSHOP, 30, "Workshop, Hands-on, Beginner"),
    ("D2-WS", "", "Workshop: Analytics Engineering with dbt and DuckDB",
     "<p>Build a small, tested analytics project from raw files.</p><ul><li>Laptop "
     "required</li><li>Python 3.11 or newer</li></ul>",
     D2, "10:15", "15:30", WORKSHOP, 30, "Workshop, Analytics, Hands-on"),
    ("D2-WS-P2", "D2-WS", "Part 2: Modelling with dbt",
     "Sources, staging models and marts.",
     D2, "13:15", "14:15", WORKSHOP, 30, "Workshop, Hands-on"),
    ("D2-WS-P3", "D2-WS", "Part 3: Testing and Documentation",
     "<p>Tests, docs and a CI run before you go home.</p>",
     D2, "14:30", "15:30", WORKSHOP, 30, "Workshop, Hands-on"),
    ("D2-LUNCH", "", "Lunch",
     "",
     D2, "12:15", "13:15", MAIN, None, "Break"),
    ("D2-T3", "", "Track: Open Source Ecosystem",
     "<p>The projects under everyone's stack, and the people behind them.</p>",
     D2, "13:15", "15:15", R101, 120, "Open Source"),
    ("D2-T3-01", "D2-T3", "Apache Arrow Everywhere",
     "Zero-copy data between Python, Rust and the JVM.",
     D2, "13:15", "13:45", R101, 120, "Open Source, Intermediate"),
    ("D2-T3-02", "D2-T3", "Polars vs pandas — An Honest Benchmark",
     "<p>Same questions, same data, both libraries, no cherry-picking.</p>",
     D2, "13:45", "14:15", R101, 120, "Open Source, Python"),
    ("D2-T3-03", "D2-T3", "Maintaining a Project at 3 a.m.",
     "Björn Åkesson on burnout, bus factors and saying no.",
     D2, "14:15", "14:45", R101, 120, "Open Source, Community"),
    ("D2-T3-04", "D2-T3", "Funding Open Source in Europe",
     "Grants, foundations and the Cyber Resilience Act.",
     D2, "14:45", "15:15", R101, 120, "Open Source, Policy"),
    ("D2-T4", "", "Track: Geospatial & Climate Data",
     "<p>Maps, satellites and a warming planet.</p>",
     D2, "13:15", "14:45", R102, 100, "Geospatial"),
    ("D2-T4-01", "D2-T4", "Satellite Imagery at Petabyte Scale",
     "Ελένη Παπαδοπούλου on processing Sentinel-2 tiles with cloud-native formats.",
     D2, "13:15", "13:45", R102, 100, "Geospatial, Climate"),
    ("D2-T4-02", "D2-T4", "Forecasting Heatwaves with Gradient Boosting",
     "Seasonal forecasts for 300 European cities.",
     D2, "13:45", "14:15", R102, 100, "Climate, Machine Learning"),
    ("D2-T4-03", "D2-T4", "Mapping Fjords: Open Data from Kartverket",
     "<p>Norway's open elevation and coastline data, and what you can build with it.</p>",
     D2, "14:15", "14:45", R102, 100, "Geospatial, Open Data"),
    ("D2-AMA", "", "Ask the Experts: Open Q&A",
     "Bring your hardest data questions to this year's speakers.",
     D2, "13:30", "15:00", MAIN, 200, "Community"),
    ("D2-BRK2", "", "Coffee Break",
     "",
     D2, "15:15", "15:45", MAIN, None, "Break"),
    ("D2-KEY2", "", "Closing Keynote: The Next Ten Years of Data",
     "Marta Jiménez on what will still matter in 2036.",
     D2, "15:45", "16:30", MAIN, 600, "Keynote"),
    ("D2-CLOSE", "", "Closing Remarks & Prize Draw",
     "",
     D2, "16:30", "16:45", MAIN, 600, "Plenary"),
]
# fmt: on


def main(out_dir: Path = HERE) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(out_dir / "agenda.csv")
    write_xlsx(out_dir / "agenda.xlsx")


def write_csv(path: Path) -> None:
    # "\n" line ends: the file is committed, and CRLF would show as noise in every diff.
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(HEADERS)
        for row in ROWS:
            writer.writerow(["" if value is None else value for value in row])


def write_xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Agenda"
    sheet["A1"] = TITLE
    sheet["A1"].font = Font(bold=True, size=14)
    bold = Font(bold=True)
    for column, header in enumerate(HEADERS, start=1):
        sheet.cell(HEADER_ROW, column, header).font = bold
    for offset, row in enumerate(ROWS, start=HEADER_ROW + 1):
        reference, parent, title, description, date, start, end, location, capacity, tags = row
        values = (reference, parent or None, title, description or None)
        for column, value in enumerate(values, start=1):
            sheet.cell(offset, column, value)
        day = sheet.cell(offset, 5, datetime.date.fromisoformat(date))
        day.number_format = "yyyy-mm-dd"
        for column, time in ((6, start), (7, end)):
            sheet.cell(offset, column, datetime.time.fromisoformat(time)).number_format = "hh:mm"
        sheet.cell(offset, 8, location)
        sheet.cell(offset, 9, capacity)
        sheet.cell(offset, 10, tags)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    book.properties.title = TITLE
    book.properties.creator = "Nordlicht Data Summit"
    book.properties.created = book.properties.modified = FIXED_TIME
    path.write_bytes(deterministic_xlsx(book, FIXED_TIME))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
