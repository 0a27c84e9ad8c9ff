"""Generate ``index_data/values.csv``: published municipal figures plus calibrated synthetic values.

Run from the repository root::

    python scripts/generate_values.py                 # writes index_data/values.csv
    python scripts/generate_values.py --output PATH   # writes elsewhere (the tests do this)

The official values of the Digital-Index Ruhr are not public. values.csv therefore holds

* ``public`` values, each with its source id and reference year, wherever the project's research
  notes (data-facts.md sections 2 and 4) give a figure for one municipality that fits an
  indicator's definition (``PUBLIC_VALUES``, and the research-institute count ``RESEARCH_BASE``);
* ``synthetic`` demonstration values (source ``synthetic-demo``, year 2024) in every other cell.

Synthetic values are not measurements. They are drawn from a seeded generator so that they look
plausible, then calibrated so that what the index's publishers said comes out true under the
project's default method (DESIGN 3.2, method.toml). The rules, in the order they are applied:

C1  Size. Each synthetic value starts as ``LEVELS[indicator]`` (a typical Ruhr value; see the
    comment there for where each level comes from) x a factor for the municipality's class
    (``CLASS_FACTORS``: the four University Alliance Ruhr cities are strongest in research and IT,
    small towns weakest in research) x a hand-set profile factor (``PROFILES``) x a Kreis factor
    (``KREIS_FACTORS``) x log-normal noise with spread ``SIGMAS[indicator]``.
C5  mobile_5g: public values (Duisburg, Oberhausen, Dortmund) stay as published. For the others
    the shortfall from 100 % grows with the area per inhabitant (with noise), and is scaled
    separately inside and outside the Ennepe-Ruhr-Kreis so that the area-weighted means, public
    values included, are exactly 94.78 % for the Kreis (its published 2024 figure) and 98.3 % for
    all 53 (the index's Ruhr value). mobile_5g takes no further part in the calibration.
C6  research_institutes: 15 municipalities have the public count-based rate. For the other 38
    the research notes found no institution, which does not prove there is none, so they get a
    synthetic rate drawn uniformly from ``NO_INSTITUTE_RANGE``. Its upper end (0.6) lies below
    the rate one institution would give in any of the 38 (at least 1.0 per 100,000, in Moers), so
    the value reads as "less than one institution". It is not changed afterwards.
C8  fibre_households keeps its C1 draw (it is not used to compensate other values) except that
    synthetic values must not contradict published fibre facts: the synthetic values of Kreis
    Wesel are scaled so that the Kreis's population-weighted mean is 29 % ("knapp 30 %"), and
    synthetic values stay strictly between the published lowest and third-best municipality of
    Kreis Recklinghausen and between the lowest and best kreisfreie Stadt (``FIBRE_BRACKETS``).
    gigabit_business then follows fibre (``GIGABIT_FIBRE_LINK``).
C2  Overall order. The seven municipalities that the index puts above the Ruhr average get the
    fixed target scores in ``ABOVE_AVERAGE``, descending in the order every source lists them
    (read as their rank order). Because 100 is the mean, the average of the other 46 is then
    fixed; they keep the order of their uncalibrated overall scores and are spread below
    ``MAX_OTHER_TARGET`` with exactly that average (``STANDING_SKEW`` puts most of them close
    below it). A solver multiplies the free synthetic values of each municipality (all synthetic
    cells of ``SCALED_INDICATORS`` except pinned ones) by a common factor until its overall score,
    computed by ``assistant.index.scoring.compute_scores``, meets its target. Percentages are scaled
    through their odds x / (100 - x), so they approach but never reach 100 %; after each step
    every column is rescaled to keep the geometric mean of its C1 values, which keeps each
    indicator at its typical level.
C3  Published rank statements are realised by pinned synthetic values (``PINS``) and by keeping
    every other synthetic value of the indicator below the leader (``CEILINGS``):
    research_projects Kamp-Lintfort 1st and Bochum 2nd ("research funding concentrated in few
    places", Dortmund 3rd); digital_patents Hünxe 1st and Ennepetal 2nd ("smaller
    municipalities dominate"); Bochum and Dortmund 1st and 2nd in Forschung (Kamp-Lintfort's
    institute and project scores are as high as theirs, so their patents are pinned above its);
    Dortmund first in it_employees (public) and it_graduates, second in ai_job_ads after Mülheim
    an der Ruhr ("stands out", "high share"); its start-up rate is public (second after Bochum,
    "innovation drivers"); together this puts it into the top 3 of three areas. Bochum, named
    the Ruhr city with the highest start-up intensity, stays first in digital_startups.
C4  Plausibility. Synthetic percentages stay within ``UPPER_BOUNDS`` (never above 100) and no
    synthetic value is below ``LOWER_BOUND``. ai_job_ads stays at or below the national average of
    2.4 % everywhere except Mülheim an der Ruhr, which Indeed names as the only Ruhr city above it.
C7  it_graduates has no public municipal value, so its level is free: at the end the whole column
    is scaled so that its population-weighted mean is 1.6 per 1,000 employees, the published Ruhr
    value (population stands in for employment). Scaling a whole column changes no score.

Random numbers come from ``numpy.random.default_rng(SEED)`` in a fixed order: 53 x len(LEVELS)
standard normals (C1), 53 standard normals (C5), 53 uniforms (C6). All values are rounded to two
decimals, and the published findings are then verified with ``assistant.index.scoring.compute_scores``
on exactly the numbers written (``verify``); if any fails, the script raises and writes nothing.
The output is reproducible byte for byte: same seed, same arithmetic, fixed formatting (``%.2f``),
``\\n`` line endings, rows sorted by AGS and then by the indicator order of indicators.csv.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # allow running without an installed package
    sys.path.insert(0, str(ROOT))

from assistant.index.data import load_registry  # noqa: E402
from assistant.index.registry import Municipality, Registry  # noqa: E402
from assistant.index.scoring import ScoreTable, compute_scores  # noqa: E402

SEED = 20250624  # the day the index was presented
SYNTHETIC_SOURCE = "synthetic-demo"
SYNTHETIC_YEAR = 2024
DEFAULT_DATA_DIR = ROOT / "index_data"
COLUMNS = ("ags", "indicator", "value", "year", "provenance", "source")

# --------------------------------------------------------------------------------------------
# Public values: (municipality name, indicator, value, reference year, source id in sources.csv)
# --------------------------------------------------------------------------------------------
PUBLIC_VALUES: tuple[tuple[str, str, float, int, str], ...] = (
    # Household fibre (FTTB/H) shares quoted from Gigabit.NRW / GlasfaserAtlas.NRW by the press.
    ("Hünxe", "fibre_households", 98.9, 2024, "rp-fibre-wesel"),
    ("Dinslaken", "fibre_households", 25.9, 2024, "rp-fibre-wesel"),
    ("Voerde (Niederrhein)", "fibre_households", 0.2, 2024, "rp-fibre-wesel"),
    ("Haltern am See", "fibre_households", 94.8, 2024, "rn-fibre-recklinghausen"),
    ("Waltrop", "fibre_households", 71.2, 2024, "rn-fibre-recklinghausen"),
    ("Marl", "fibre_households", 56.3, 2024, "rn-fibre-recklinghausen"),
    ("Dorsten", "fibre_households", 13.2, 2024, "rn-fibre-recklinghausen"),
    ("Oer-Erkenschwick", "fibre_households", 1.9, 2024, "rn-fibre-recklinghausen"),
    ("Gelsenkirchen", "fibre_households", 51.5, 2023, "nrz-fibre-nrw"),
    ("Mülheim an der Ruhr", "fibre_households", 13.2, 2023, "nrz-fibre-nrw"),
    ("Hamm", "fibre_households", 6.7, 2023, "nrz-fibre-nrw"),
    ("Herne", "fibre_households", 5.5, 2023, "nrz-fibre-nrw"),
    ("Dortmund", "fibre_households", 34.4, 2024, "rn-fibre-dortmund"),
    # Duisburg: the city's "about 20 %" at the end of 2024 is the latest dated figure; the older
    # 12 % (end 2022) and the undated ~18 % are superseded (see the source note).
    ("Duisburg", "fibre_households", 20.0, 2024, "waz-fibre-duisburg"),
    # Share of job ads asking for AI skills (Indeed, 65 largest German cities, May 2025).
    ("Mülheim an der Ruhr", "ai_job_ads", 4.2, 2025, "indeed-ai-jobs"),
    ("Gelsenkirchen", "ai_job_ads", 0.8, 2025, "indeed-ai-jobs"),
    ("Hagen", "ai_job_ads", 0.8, 2025, "indeed-ai-jobs"),
    ("Herne", "ai_job_ads", 0.5, 2025, "indeed-ai-jobs"),
    ("Oberhausen", "ai_job_ads", 0.5, 2025, "indeed-ai-jobs"),
    ("Hamm", "ai_job_ads", 0.4, 2025, "indeed-ai-jobs"),
    # The index's own figure for Dortmund (data year not published; publication year 2025).
    ("Dortmund", "digital_companies", 10.2, 2025, "dortmund-pr"),
    # 19,526 IT-sector workers / 260,680 employees subject to social insurance x 1,000 (2022).
    ("Dortmund", "it_employees", round(19_526 / 260_680 * 1_000, 2), 2022, "uv-do-it"),
    # Start-ups newly registered per 100,000 inhabitants in the twelve months to June 2023
    # (Startup-Verband / startupdetector, cities above 150,000 inhabitants); Herne had none.
    ("Bochum", "digital_startups", 3.9, 2023, "nrz-startups-2023"),
    ("Dortmund", "digital_startups", 3.2, 2023, "nrz-startups-2023"),
    ("Essen", "digital_startups", 2.2, 2023, "nrz-startups-2023"),
    ("Duisburg", "digital_startups", 1.2, 2023, "nrz-startups-2023"),
    ("Mülheim an der Ruhr", "digital_startups", 1.2, 2023, "nrz-startups-2023"),
    ("Herne", "digital_startups", 0.0, 2023, "nrz-startups-2023"),
    # 5G area coverage by at least one operator (Bundesnetzagentur, as quoted by the cities).
    ("Duisburg", "mobile_5g", 99.6, 2023, "waz-5g-duisburg"),
    ("Oberhausen", "mobile_5g", 100.0, 2024, "oberhausen-5g"),
    ("Dortmund", "mobile_5g", 99.9, 2025, "dortmund-5g"),
    # Fibre coverage ratio of the city's gigabit office (state of late 2023).
    ("Bottrop", "fibre_households", 34.0, 2023, "bottrop-fibre"),
    # Gigabit.NRW household fibre share quoted by the Ruhr Nachrichten (same 2024 series as Dorsten).
    ("Schermbeck", "fibre_households", 99.0, 2024, "rn-fibre-dorsten"),
)

# --------------------------------------------------------------------------------------------
# research_institutes: Hochschulen and non-university research institutes per municipality, as
# listed in data-facts.md 4.4. Counting rules (also in the source note of "research-count"):
#  * an institution counts once in every municipality where a listing names one of its sites
#    (Standorte count, as the indicator's definition says): UDE in Duisburg and Essen, Westfälische
#    Hochschule in Gelsenkirchen and Recklinghausen, Hochschule Ruhr West in Mülheim and Bottrop,
#    Folkwang in Essen, Duisburg, Bochum and Dortmund, HSPV NRW in Gelsenkirchen, Dortmund,
#    Duisburg, Hagen and (since September 2018) Herne, FOM in Essen, Bochum, Dortmund, Duisburg,
#    Hagen and Wesel;
#  * a listed site that is known to have closed (FOM Marl, no new students from 2019) or whose
#    existence no second source confirms (a FOM "Technologiezentrum" in Bönen) is left out;
#  * a group given as a number counts with that number (Dortmund's three Leibniz institutes);
#  * institutes whose town is not verified are left out (the four UDE-affiliated institutes of the
#    Johannes-Rau-Forschungsgemeinschaft listed under Duisburg).
# rate = count / Zensus-2022 population x 100,000; reference year 2025 (state of the lists).
# --------------------------------------------------------------------------------------------
RESEARCH_BASE: Mapping[str, tuple[str, ...]] = {
    "Bochum": (
        "Ruhr-Universität Bochum", "Hochschule Bochum", "Technische Hochschule Georg Agricola",
        "Evangelische Hochschule RWL", "Hochschule für Gesundheit", "EBZ Business School",
        "Max-Planck-Institut (Cybersicherheit)", "Fraunhofer IEG", "Deutsches Bergbau-Museum (Leibniz)",
        "Folkwang Universität der Künste (Standort Bochum)", "FOM Hochschule (Hochschulzentrum Bochum)",
    ),
    "Dortmund": (
        "TU Dortmund", "Fachhochschule Dortmund", "International School of Management",
        "MPI für molekulare Physiologie", "Fraunhofer IML", "Fraunhofer ISST",
        "Leibniz institute 1", "Leibniz institute 2", "Leibniz institute 3", "Lamarr-Institut",
        "Folkwang Universität der Künste (Standort Dortmund)", "FOM Hochschule (Hochschulzentrum Dortmund)",
        "HSPV NRW (Studienort Dortmund)",
    ),
    "Duisburg": (
        "Universität Duisburg-Essen", "Fraunhofer IMS", "Folkwang Universität der Künste (Standort Duisburg)",
        "FOM Hochschule (Hochschulzentrum Duisburg)", "HSPV NRW (Studienort Duisburg)",
    ),
    "Essen": (
        "Universität Duisburg-Essen", "Folkwang Universität der Künste", "FOM Hochschule",
        "Hochschule der bildenden Künste Essen", "RWI (Leibniz)", "Kulturwissenschaftliches Institut Essen",
    ),
    "Gelsenkirchen": (
        "Westfälische Hochschule", "HSPV NRW", "Institut für Internet-Sicherheit", "Institut Arbeit und Technik",
    ),
    "Mülheim an der Ruhr": ("Hochschule Ruhr West", "MPI für Kohlenforschung", "MPI für Chemische Energiekonversion"),
    "Bottrop": ("Hochschule Ruhr West (Campus Bottrop)",),
    "Oberhausen": ("Fraunhofer UMSICHT",),
    "Hagen": (
        "FernUniversität in Hagen", "Fachhochschule Südwestfalen (Standort Hagen)",
        "FOM Hochschule (Hochschulzentrum Hagen)", "HSPV NRW (Studienort Hagen)",
    ),
    "Hamm": ("Hochschule Hamm-Lippstadt", "SRH Hochschule für Logistik und Wirtschaft"),
    "Recklinghausen": ("Westfälische Hochschule (Standort Recklinghausen)",),
    "Witten": ("Universität Witten/Herdecke",),
    "Kamp-Lintfort": ("Hochschule Rhein-Waal (Fakultät Kommunikation und Umwelt)",),
    "Herne": ("HSPV NRW (Außenstelle Herne der Abteilung Gelsenkirchen)",),
    "Wesel": ("FOM Hochschule (Hochschulzentrum Wesel)",),
}
RESEARCH_SOURCE = "research-count"
RESEARCH_YEAR = 2025
NO_INSTITUTE_RANGE = (0.05, 0.60)  # C6

# --------------------------------------------------------------------------------------------
# C1: size of the synthetic values
# --------------------------------------------------------------------------------------------
#: Typical Ruhr level per indicator. Grounded where a regional figure exists: it_employees 34 per
#: 1,000 (lead market "Digitale Kommunikation", 3.4 % of employees in 2020), it_graduates 1.6 (the
#: index's Ruhr value), ai_job_ads 1.0 % (the six published Ruhr cities lie between 0.4 and 4.2),
#: fibre_households 25 % (NRW 35 %, Kreis Wesel ~30 %, EN-Kreis 5 %), digital_startups 1.8 per
#: 100,000 (92 start-ups founded in the Ruhr in 2023 / 5,093,721 inhabitants; source
#: waz-startups-ruhr). The others are assumptions.
LEVELS: Mapping[str, float] = {
    "research_projects": 8.0,
    "digital_patents": 4.0,
    "it_employees": 34.0,
    "it_graduates": 1.6,
    "ai_job_ads": 1.0,
    "digital_companies": 6.5,
    "ai_companies": 2.5,
    "digital_startups": 1.8,
    "fibre_households": 25.0,
    "gigabit_business": 70.0,
}
#: Log-normal spread of the noise: wide where activity is concentrated in few places.
SIGMAS: Mapping[str, float] = {
    "research_projects": 0.7,
    "digital_patents": 0.8,
    "it_employees": 0.35,
    "it_graduates": 0.5,
    "ai_job_ads": 0.4,
    "digital_companies": 0.25,
    "ai_companies": 0.35,
    "digital_startups": 0.6,
    "fibre_households": 0.6,
    "gigabit_business": 0.15,
}
#: Indicators that C2 scales; fibre_households keeps its C1 draw (so that it is not distorted to
#: compensate other values), mobile_5g and research_institutes have their own rules (C5, C6).
SCALED_INDICATORS: tuple[str, ...] = tuple(i for i in LEVELS if i != "fibre_households")
PERCENT_INDICATORS = frozenset(
    {"ai_job_ads", "digital_companies", "ai_companies", "fibre_households", "gigabit_business"}
)
#: Kreis-specific factors: the Ennepe-Ruhr-Kreis had fibre for about 5 % of households in 2023.
KREIS_FACTORS: Mapping[tuple[str, str], float] = {("Ennepe-Ruhr-Kreis", "fibre_households"): 0.35}
#: The four cities of the University Alliance Ruhr (RUB, TU Dortmund, UDE in Duisburg and Essen).
UNIVERSITY_CITIES = ("Bochum", "Dortmund", "Duisburg", "Essen")
TOWN_MIN_POPULATION = 40_000
CLASS_FACTORS: Mapping[str, Mapping[str, float]] = {
    "university_city": {"forschung": 1.8, "beschaeftigung": 1.5, "unternehmen": 1.3, "infrastruktur": 1.0},
    "city": {"forschung": 1.0, "beschaeftigung": 1.0, "unternehmen": 1.0, "infrastruktur": 1.0},
    "town": {"forschung": 0.7, "beschaeftigung": 0.85, "unternehmen": 0.95, "infrastruktur": 1.0},
    "small_town": {"forschung": 0.5, "beschaeftigung": 0.7, "unternehmen": 0.9, "infrastruktur": 1.05},
}
#: Hand-set relative strengths (demonstration assumptions, not facts). Holzwickede, a town of
#: 17,000, ranks second overall in the index, which per-capita rates can only produce if it is
#: strong across companies, infrastructure and employment; Dortmund's start-ups are named as
#: innovation drivers; Bochum was no. 1 in NRW for gigabit access in 2020 (91 %) but had fibre
#: lines in only about a third of the city by the end of 2024; Haltern am See has 96.1 %
#: gigabit-capable households and is a commuter town rather than an IT employment centre.
#: Mülheim an der Ruhr has two public values at the cap (research institutes, AI job ads) yet is
#: below the Ruhr average, which leaves little room for the rest; its profile moves that room
#: towards the companies area so that it is not implausibly last there.
PROFILES: Mapping[str, Mapping[str, float]] = {
    "Holzwickede": {
        "it_employees": 1.8, "ai_job_ads": 1.6, "digital_companies": 1.6, "ai_companies": 1.6,
        "digital_startups": 2.2, "fibre_households": 2.6, "gigabit_business": 1.3,
        "research_projects": 0.5, "it_graduates": 0.4,
    },
    "Dortmund": {"digital_startups": 1.6, "ai_companies": 1.3},
    "Bochum": {"gigabit_business": 1.5, "fibre_households": 0.7},
    "Essen": {"digital_startups": 1.3, "it_employees": 1.2},
    "Haltern am See": {"gigabit_business": 1.3, "it_employees": 0.5},
    "Hünxe": {"gigabit_business": 1.2},
    "Mülheim an der Ruhr": {
        "research_projects": 0.6, "digital_patents": 0.6, "it_graduates": 0.7,
        "digital_companies": 2.4, "ai_companies": 1.5, "digital_startups": 1.5,
    },
}

# --------------------------------------------------------------------------------------------
# C2: target overall scores
# --------------------------------------------------------------------------------------------
ABOVE_AVERAGE: Mapping[str, float] = {
    "Dortmund": 190.0,
    "Holzwickede": 172.0,
    "Bochum": 160.0,
    "Essen": 138.0,
    "Haltern am See": 123.0,
    "Hünxe": 112.0,
    "Gelsenkirchen": 104.0,
}
MAX_OTHER_TARGET = 96.0
STANDING_SKEW = 2.0  # > 1: most of the 46 close below MAX_OTHER_TARGET, a longer tail below
MAX_OTHER_OVERALL = 99.0  # every other municipality must end at or below this (margin >= 1)
SOLVER_ITERATIONS = 400
SOLVER_GAIN = 0.8
SOLVER_TOLERANCE = 0.005
FACTOR_BOUNDS = (0.02, 50.0)

# --------------------------------------------------------------------------------------------
# C3: pinned synthetic values and ceilings that realise the published rank statements
# --------------------------------------------------------------------------------------------
#: (municipality, indicator, value). The it_graduates pin is in C1 units; C7 rescales the column.
PINS: tuple[tuple[str, str, float], ...] = (
    ("Kamp-Lintfort", "research_projects", 30.0),
    ("Bochum", "research_projects", 27.0),
    ("Dortmund", "research_projects", 24.0),
    ("Hünxe", "digital_patents", 24.0),
    ("Ennepetal", "digital_patents", 21.0),
    ("Bochum", "digital_patents", 7.0),
    ("Dortmund", "digital_patents", 5.5),
    ("Kamp-Lintfort", "digital_patents", 1.2),
    ("Dortmund", "it_graduates", 3.2),
    ("Dortmund", "ai_job_ads", 2.3),
)
#: indicator -> (leader, fraction): every other synthetic value stays at or below fraction x the
#: leader's value (the leader's value may be pinned or public).
CEILINGS: Mapping[str, tuple[str, float]] = {
    "research_projects": ("Dortmund", 0.9),
    "digital_patents": ("Ennepetal", 0.9),
    "it_employees": ("Dortmund", 0.95),
    "it_graduates": ("Dortmund", 0.9),
    "ai_job_ads": ("Dortmund", 0.95),
    # "Within the Ruhr area Bochum has the highest start-up intensity" (source nrz-startups-2023).
    "digital_startups": ("Bochum", 0.95),
}

# --------------------------------------------------------------------------------------------
# C4: plausibility bounds
# --------------------------------------------------------------------------------------------
UPPER_BOUNDS: Mapping[str, float] = {
    "ai_job_ads": 2.4,
    "digital_companies": 20.0,
    "ai_companies": 10.0,
    "fibre_households": 99.0,
    "gigabit_business": 99.5,
}
LOWER_BOUND = 0.05

# --------------------------------------------------------------------------------------------
# C5: 5G
# --------------------------------------------------------------------------------------------
FIVE_G_INDICATOR = "mobile_5g"
FIVE_G_RUHR = 98.3  # index, share of the area of the Ruhr
FIVE_G_EN_KREIS = 94.78  # Ennepe-Ruhr-Kreis 2024 (source lokaldirekt-en-5g)
EN_KREIS = "Ennepe-Ruhr-Kreis"
FIVE_G_TOLERANCE = 0.1

# C7
IT_GRADUATES_RUHR = 1.6

# --------------------------------------------------------------------------------------------
# C8: synthetic fibre values must not contradict the published municipal fibre facts
# --------------------------------------------------------------------------------------------
#: Kreis Wesel as a whole: "knapp 30 %" of households with fibre (GlasfaserAtlas, ~2024).
FIBRE_KREIS_WESEL = ("Kreis Wesel", 29.0)
#: (group, floor municipality, ceiling municipality), both public: in Kreis Recklinghausen Haltern, Waltrop and
#: Marl are 1st to 3rd and Oer-Erkenschwick is last; among the kreisfreie Städte Gelsenkirchen is
#: the best in the Ruhr (2nd in NRW) and Herne the lowest in NRW. Synthetic values of the group
#: stay strictly between, with a 5 % margin.
FIBRE_BRACKETS: tuple[tuple[str, str, str], ...] = (
    ("Kreis Recklinghausen", "Oer-Erkenschwick", "Marl"),
    ("kreisfrei", "Herne", "Gelsenkirchen"),
)
FIBRE_MARGIN = 0.05
#: gigabit access of businesses follows household fibre: C1 size x (0.8 + 0.4 x fibre / 100).
GIGABIT_FIBRE_LINK = (0.8, 0.4)


@dataclass
class Grid:
    """values.csv in wide form while it is being built (rows: registry order, columns: indicators)."""

    value: pd.DataFrame
    year: pd.DataFrame
    provenance: pd.DataFrame
    source: pd.DataFrame

    @classmethod
    def empty(cls, registry: Registry) -> Grid:
        index = [m.ags for m in registry.municipalities]
        columns = [i.id for i in registry.indicators]
        return cls(
            value=pd.DataFrame(np.nan, index=index, columns=columns, dtype=float),
            year=pd.DataFrame(SYNTHETIC_YEAR, index=index, columns=columns, dtype=int),
            provenance=pd.DataFrame("synthetic", index=index, columns=columns, dtype=object),
            source=pd.DataFrame(SYNTHETIC_SOURCE, index=index, columns=columns, dtype=object),
        )

    def set_public(self, ags: str, indicator: str, value: float, year: int, source: str) -> None:
        self.value.loc[ags, indicator] = value
        self.year.loc[ags, indicator] = year
        self.provenance.loc[ags, indicator] = "public"
        self.source.loc[ags, indicator] = source

    def long(self) -> pd.DataFrame:
        """The long frame that compute_scores and values.csv use."""
        records = [
            {
                "ags": ags, "indicator": indicator, "value": float(self.value.at[ags, indicator]),
                "year": int(self.year.at[ags, indicator]),
                "provenance": str(self.provenance.at[ags, indicator]),
                "source": str(self.source.at[ags, indicator]),
            }
            for ags in sorted(self.value.index)
            for indicator in self.value.columns
        ]
        return pd.DataFrame.from_records(records, columns=list(COLUMNS))


def municipality_class(municipality: Municipality) -> str:
    if municipality.name in UNIVERSITY_CITIES:
        return "university_city"
    if municipality.kreisfrei:
        return "city"
    return "town" if municipality.population >= TOWN_MIN_POPULATION else "small_town"


def by_name(registry: Registry) -> dict[str, Municipality]:
    return {m.name: m for m in registry.municipalities}


def place_public_values(grid: Grid, registry: Registry) -> None:
    names = by_name(registry)
    for name, indicator, value, year, source in PUBLIC_VALUES:
        grid.set_public(names[name].ags, indicator, value, year, source)
    for name, institutions in RESEARCH_BASE.items():
        municipality = names[name]
        rate = round(len(institutions) / municipality.population * 100_000, 2)
        grid.set_public(municipality.ags, "research_institutes", rate, RESEARCH_YEAR, RESEARCH_SOURCE)


def draw_shapes(registry: Registry, rng: np.random.Generator) -> pd.DataFrame:
    """C1: the starting synthetic value of every indicator in LEVELS (before calibration)."""
    ids = list(LEVELS)
    noise = rng.standard_normal((len(registry.municipalities), len(ids)))
    area_of = {i.id: i.area for i in registry.indicators}
    shapes = pd.DataFrame(index=[m.ags for m in registry.municipalities], columns=ids, dtype=float)
    for row, municipality in enumerate(registry.municipalities):
        factors = CLASS_FACTORS[municipality_class(municipality)]
        profile = PROFILES.get(municipality.name, {})
        for column, indicator in enumerate(ids):
            size = LEVELS[indicator] * factors[area_of[indicator]] * profile.get(indicator, 1.0)
            size *= KREIS_FACTORS.get((municipality.kreis, indicator), 1.0)
            shapes.loc[municipality.ags, indicator] = size * float(np.exp(SIGMAS[indicator] * noise[row, column]))
    for indicator in ids:  # C4 from the start, so that every percentage has finite odds
        shapes[indicator] = shapes[indicator].clip(lower=LOWER_BOUND, upper=UPPER_BOUNDS.get(indicator, np.inf))
    return shapes


def calibrate_5g(grid: Grid, registry: Registry, rng: np.random.Generator) -> None:
    """C5: shortfall from 100 % grows with area per inhabitant; scaled to the two published means.

    Public 5G values are kept as published and count towards the means; only the synthetic
    shortfalls are scaled.
    """
    noise = rng.standard_normal(len(registry.municipalities))
    shortfall = np.array(
        [
            (m.area_km2 / m.population * 1_000) ** 0.8 * float(np.exp(0.35 * z))
            for m, z in zip(registry.municipalities, noise, strict=True)
        ]
    )
    area = np.array([m.area_km2 for m in registry.municipalities])
    in_en = np.array([m.kreis == EN_KREIS for m in registry.municipalities])
    public = (grid.provenance[FIVE_G_INDICATOR] == "public").to_numpy()
    known = grid.value[FIVE_G_INDICATOR].to_numpy(dtype=float)

    def scale(group: np.ndarray, target: float) -> float:
        """c with area-weighted mean over the group == target; public values count as they are."""
        synthetic, fixed = group & ~public, group & public
        missing = 100.0 * area[synthetic].sum() + float(np.sum(area[fixed] * known[fixed])) - target * area[group].sum()
        return float(missing / np.sum(area[synthetic] * shortfall[synthetic]))

    # Inside the EN-Kreis the area-weighted mean is 94.78; outside, whatever the rest needs so
    # that all 53 average 98.3.
    c_en = scale(in_en, FIVE_G_EN_KREIS)
    rest_target = (FIVE_G_RUHR * area.sum() - FIVE_G_EN_KREIS * area[in_en].sum()) / area[~in_en].sum()
    c_rest = scale(~in_en, rest_target)
    values = np.where(in_en, 100.0 - c_en * shortfall, 100.0 - c_rest * shortfall)
    values = np.where(public, known, values)
    if values.min() < 0 or min(c_en, c_rest) < 0:
        raise RuntimeError("5G calibration produced a negative share")
    grid.value[FIVE_G_INDICATOR] = values


def fill_no_institute_rates(grid: Grid, rng: np.random.Generator) -> None:
    """C6: synthetic rate for the municipalities without a listed institution."""
    draws = rng.uniform(*NO_INSTITUTE_RANGE, size=len(grid.value.index))
    column = grid.value["research_institutes"]
    grid.value["research_institutes"] = column.where(column.notna(), pd.Series(draws, index=column.index))


def calibrate_fibre(grid: Grid, registry: Registry, free: pd.DataFrame) -> None:
    """C8: Kreis Wesel's population-weighted fibre mean and the published brackets."""
    names = by_name(registry)
    column = grid.value["fibre_households"].copy()
    kreis, target = FIBRE_KREIS_WESEL
    members = [m.ags for m in registry.municipalities if m.kreis == kreis]
    population = pd.Series({m.ags: float(m.population) for m in registry.municipalities})
    synthetic = [a for a in members if bool(free.at[a, "fibre_households"])]
    known = [a for a in members if a not in synthetic]
    needed = target * population[members].sum() - (column[known] * population[known]).sum()
    column[synthetic] *= needed / float((column[synthetic] * population[synthetic]).sum())
    for group, low_name, high_name in FIBRE_BRACKETS:
        group_ags = [
            m.ags for m in registry.municipalities if (m.kreisfrei if group == "kreisfrei" else m.kreis == group)
        ]
        low = float(column[names[low_name].ags]) * (1 + FIBRE_MARGIN)
        high = float(column[names[high_name].ags]) * (1 - FIBRE_MARGIN)
        inside = [a for a in group_ags if bool(free.at[a, "fibre_households"])]
        column[inside] = column[inside].clip(lower=low, upper=high)
    grid.value["fibre_households"] = column.clip(upper=UPPER_BOUNDS["fibre_households"])


def link_gigabit_to_fibre(shapes: pd.DataFrame, grid: Grid) -> None:
    """C8: businesses have better gigabit access where households have more fibre."""
    base, slope = GIGABIT_FIBRE_LINK
    linked = shapes["gigabit_business"] * (base + slope * grid.value["fibre_households"] / 100.0)
    shapes["gigabit_business"] = linked.clip(upper=UPPER_BOUNDS["gigabit_business"])


def apply_pins_and_bounds(grid: Grid, free: pd.DataFrame, registry: Registry) -> None:
    """C3 and C4 on the free synthetic values (public and pinned values are never clipped)."""
    names = by_name(registry)
    for name, indicator, value in PINS:
        grid.value.loc[names[name].ags, indicator] = value
    for indicator, (leader, fraction) in CEILINGS.items():
        ceiling = fraction * float(grid.value.at[names[leader].ags, indicator])
        mask = free[indicator]
        grid.value.loc[mask, indicator] = grid.value.loc[mask, indicator].clip(upper=ceiling)
    for indicator, upper in UPPER_BOUNDS.items():
        mask = free[indicator]
        grid.value.loc[mask, indicator] = grid.value.loc[mask, indicator].clip(upper=upper)
    for indicator in LEVELS:
        mask = free[indicator]
        grid.value.loc[mask, indicator] = grid.value.loc[mask, indicator].clip(lower=LOWER_BOUND)


def to_scale_space(indicator: str, values: pd.Series) -> pd.Series:
    """C2 acts on rates directly and on percentages through their odds x / (100 - x)."""
    return values / (100.0 - values) if indicator in PERCENT_INDICATORS else values


def from_scale_space(indicator: str, values: pd.Series) -> pd.Series:
    return 100.0 * values / (1.0 + values) if indicator in PERCENT_INDICATORS else values


def solve_overall(grid: Grid, registry: Registry, shapes: pd.DataFrame, free: pd.DataFrame) -> pd.Series:
    """C2: per-municipality factor on the adjustable synthetic cells until overall == target.

    The factors only redistribute: after applying them, every adjustable column is rescaled so that
    its adjustable cells keep the geometric mean of their C1 values (in scale space), which keeps
    each indicator at its typical level. Returns the targets that were met.
    """
    fixed = pd.Series({m.ags: ABOVE_AVERAGE[m.name] for m in registry.municipalities if m.name in ABOVE_AVERAGE})
    others = shapes.index.difference(fixed.index)
    space = pd.DataFrame({i: to_scale_space(i, shapes[i]) for i in SCALED_INDICATORS})
    factors = pd.Series(1.0, index=shapes.index)
    standing: pd.Series | None = None
    for _ in range(SOLVER_ITERATIONS):
        for indicator in SCALED_INDICATORS:
            mask = free[indicator]
            scaled = (space[indicator] * factors)[mask]
            # keep the column's geometric mean (robust against single large odds near 100 %)
            scaled *= float(np.exp(np.log(space[indicator][mask]).mean() - np.log(scaled).mean()))
            grid.value.loc[mask, indicator] = from_scale_space(indicator, scaled)
        apply_pins_and_bounds(grid, free, registry)
        overall = compute_scores(grid.long(), registry).overall
        if standing is None:
            # The 46 keep the order of their uncalibrated overall scores (C1 plus public values):
            # 0 for the best, mean 1.
            natural = overall[others]
            shortfall = ((natural.max() - natural) / (natural.max() - natural.min())) ** STANDING_SKEW
            standing = shortfall / shortfall.mean()
        # 100 is the Ruhr average, so the mean of the 46 is fixed by everything else; spread them
        # below MAX_OTHER_TARGET in their standing with exactly that mean.
        depth = max(0.0, MAX_OTHER_TARGET - float(overall[others].mean()))
        targets = pd.concat([fixed, MAX_OTHER_TARGET - depth * standing]).reindex(factors.index)
        gap = targets / overall.reindex(factors.index)
        at_bound = ((factors <= FACTOR_BOUNDS[0]) & (gap < 1)) | ((factors >= FACTOR_BOUNDS[1]) & (gap > 1))
        if float((gap - 1).abs()[~at_bound].max() * 100) < SOLVER_TOLERANCE:
            return targets
        factors = (factors * gap**SOLVER_GAIN).clip(*FACTOR_BOUNDS)
    raise RuntimeError("the overall-score solver did not converge")


def scale_it_graduates(grid: Grid, registry: Registry) -> None:
    """C7: population-weighted mean of it_graduates = 1.6 (a common factor changes no score)."""
    population = np.array([m.population for m in registry.municipalities], dtype=float)
    column = grid.value["it_graduates"].to_numpy(dtype=float)
    grid.value["it_graduates"] = column * (IT_GRADUATES_RUHR / np.average(column, weights=population))


def build(registry: Registry) -> pd.DataFrame:
    """Everything except writing: returns the long, rounded, verified values frame."""
    rng = np.random.default_rng(SEED)
    grid = Grid.empty(registry)
    place_public_values(grid, registry)
    synthetic = grid.provenance == "synthetic"
    shapes = draw_shapes(registry, rng)  # draws 53 x len(LEVELS) normals
    calibrate_5g(grid, registry, rng)  # then 53 normals
    fill_no_institute_rates(grid, rng)  # then 53 uniforms
    grid.value["fibre_households"] = grid.value["fibre_households"].fillna(shapes["fibre_households"])
    names = by_name(registry)
    pinned = pd.DataFrame(False, index=grid.value.index, columns=grid.value.columns)
    for name, indicator, _ in PINS:
        pinned.loc[names[name].ags, indicator] = True
    free = synthetic & ~pinned  # synthetic cells that the calibration may change
    calibrate_fibre(grid, registry, free)
    link_gigabit_to_fibre(shapes, grid)
    solve_overall(grid, registry, shapes, free)
    scale_it_graduates(grid, registry)
    grid.value = grid.value.round(2)
    values = grid.long()
    failures = verify(compute_scores(values, registry), registry)
    if failures:
        raise RuntimeError("published findings not met:\n- " + "\n- ".join(failures))
    return values


# --------------------------------------------------------------------------------------------
# Verification of the published findings (computed with assistant.index.scoring, never re-implemented)
# --------------------------------------------------------------------------------------------
def verify(table: ScoreTable, registry: Registry) -> list[str]:
    """Every published finding the synthetic values must reproduce; returns the failures."""
    names = by_name(registry)

    def ags(name: str) -> str:
        return names[name].ags

    failures: list[str] = []

    def check(ok: bool, message: str) -> None:
        if not ok:
            failures.append(message)

    overall = table.overall
    above = [m.name for m in registry.municipalities if float(overall[m.ags]) > 100.0]
    check(sorted(above) == sorted(ABOVE_AVERAGE), f"above 100: expected {sorted(ABOVE_AVERAGE)}, got {sorted(above)}")
    others = overall.drop([ags(n) for n in ABOVE_AVERAGE])
    check(float(others.max()) <= MAX_OTHER_OVERALL, f"another municipality scores {float(others.max()):.2f} overall")
    for rank, name in enumerate(ABOVE_AVERAGE, start=1):
        check(int(table.overall_rank[ags(name)]) == rank, f"{name} should be overall rank {rank}")
    check(int(table.overall_rank[ags("Bochum")]) <= 4, "Bochum should be in the top 4 overall")

    def top(frame: pd.DataFrame, column: str, expected: tuple[str, ...]) -> None:
        for rank, name in enumerate(expected, start=1):
            got = int(frame.at[ags(name), column])
            others_with_rank = int((frame[column] == rank).sum())
            check(got == rank and others_with_rank == 1, f"{name} should be sole rank {rank} in {column}, got {got}")

    top(table.area_ranks, "forschung", ("Bochum", "Dortmund"))
    top(table.indicator_ranks, "research_projects", ("Kamp-Lintfort", "Bochum"))
    top(table.indicator_ranks, "digital_patents", ("Hünxe", "Ennepetal"))
    dortmund_area_ranks = table.area_ranks.loc[ags("Dortmund")]
    in_top3 = sorted(str(a) for a, r in dortmund_area_ranks.items() if int(r) <= 3)
    check(len(in_top3) == 3, f"Dortmund should be top 3 in exactly three areas, is in {in_top3}")
    check(int(table.indicator_ranks.at[ags("Dortmund"), "ai_job_ads"]) <= 5, "Dortmund ai_job_ads not top 5")
    top(table.indicator_ranks, "digital_startups", ("Bochum",))
    for indicator_id in ("it_employees", "it_graduates"):
        check(int(table.indicator_ranks.at[ags("Dortmund"), indicator_id]) <= 3, f"Dortmund {indicator_id} not top 3")

    five_g = table.values[FIVE_G_INDICATOR]
    area = pd.Series({m.ags: m.area_km2 for m in registry.municipalities})
    ruhr = float(np.average(five_g, weights=area.reindex(five_g.index)))
    en = [m.ags for m in registry.municipalities if m.kreis == EN_KREIS]
    en_mean = float(np.average(five_g[en], weights=area[en]))
    check(abs(ruhr - FIVE_G_RUHR) <= FIVE_G_TOLERANCE, f"5G area-weighted Ruhr mean {ruhr:.3f}")
    check(abs(en_mean - 94.8) <= FIVE_G_TOLERANCE, f"5G area-weighted EN-Kreis mean {en_mean:.3f}")

    fibre = table.values["fibre_households"]
    population = pd.Series({m.ags: float(m.population) for m in registry.municipalities})
    kreis, target = FIBRE_KREIS_WESEL
    wesel = [m.ags for m in registry.municipalities if m.kreis == kreis]
    wesel_mean = float(np.average(fibre[wesel], weights=population[wesel]))
    check(abs(wesel_mean - target) <= 1.0, f"Kreis Wesel fibre mean {wesel_mean:.2f}")
    recklinghausen = fibre[[m.ags for m in registry.municipalities if m.kreis == "Kreis Recklinghausen"]]
    order = [registry.municipality(str(a)).name for a in recklinghausen.sort_values(ascending=False).index]
    check(order[:3] == ["Haltern am See", "Waltrop", "Marl"] and order[-1] == "Oer-Erkenschwick",
          f"Kreis Recklinghausen fibre order {order}")
    cities = fibre[[m.ags for m in registry.municipalities if m.kreisfrei]].sort_values(ascending=False)
    check(registry.municipality(str(cities.index[0])).name == "Gelsenkirchen", "Gelsenkirchen not best city in fibre")
    check(registry.municipality(str(cities.index[-1])).name == "Herne", "Herne not lowest city in fibre")

    for indicator in registry.indicators:
        column = table.values[indicator.id]
        if indicator.is_percentage:
            check(bool(column.between(0, 100).all()), f"{indicator.id} outside 0..100")
        check(bool((column >= 0).all()), f"{indicator.id} negative")
    return failures


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------
def render(values: pd.DataFrame) -> str:
    """CSV text with fixed formatting so that the file is reproducible byte for byte."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in values.itertuples(index=False):
        writer.writerow([row.ags, row.indicator, f"{float(row.value):.2f}", int(row.year), row.provenance, row.source])
    return buffer.getvalue()


def write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file in the same directory, then rename it over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        mode = path.stat().st_mode & 0o777
    else:  # mkstemp creates 0600; give a new file the usual permissions under the umask
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temporary = tempfile.mkstemp(prefix=".values-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def holds_official_values(path: Path) -> bool:
    """True if an existing values file contains rows imported by `assistant data import`."""
    if not path.is_file():
        return False
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return any(row.get("provenance") == "official" for row in csv.DictReader(handle))


def summary(values: pd.DataFrame, registry: Registry, echo: Callable[[str], None]) -> None:
    table = compute_scores(values, registry)
    ranked = table.overall.sort_values(ascending=False)
    for ags, score in ranked.head(9).items():
        echo(f"  {int(table.overall_rank[ags]):>2}. {registry.municipality(str(ags)).name:<22} {score:7.2f}")
    counts = values["provenance"].value_counts()
    echo("  provenance: " + ", ".join(f"{k} {int(v)}" for k, v in counts.sort_index().items()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR,
                        help="directory with municipalities.csv, indicators.csv, ... (default: index_data/)")
    parser.add_argument("--output", type=Path, default=None,
                        help="where to write values.csv (default: DATA_DIR/values.csv)")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    parser.add_argument("--force", action="store_true", help="overwrite a values.csv that holds official values")
    args = parser.parse_args(argv)
    output: Path = args.output or args.data_dir / "values.csv"
    if not args.force and holds_official_values(output):
        parser.error(f"{output} holds imported official values; regenerating would replace them (use --force)")
    registry = load_registry(args.data_dir)
    values = build(registry)
    write_atomically(output, render(values))
    if not args.quiet:
        print(f"wrote {len(values)} values to {output}")
        summary(values, registry, print)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
