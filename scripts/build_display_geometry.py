"""Write static/ruhr_municipalities.json, the map's display geometry, from assets/geo/.

    .venv/bin/python scripts/build_display_geometry.py

The web page's maps load their boundaries from this file (Streamlit's static serving) instead of
carrying them inside every chart spec; see `assistant.presentation.ruhr_map.map_spec`. Run it after
changing assets/geo/ or the simplification; tests/test_presentation.py fails while the file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.presentation.ruhr_map import STATIC_GEOMETRY_FILE, display_geojson


def main() -> None:
    STATIC_GEOMETRY_FILE.parent.mkdir(exist_ok=True)
    STATIC_GEOMETRY_FILE.write_text(display_geojson(), encoding="utf-8")
    print(f"wrote {STATIC_GEOMETRY_FILE} ({STATIC_GEOMETRY_FILE.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
