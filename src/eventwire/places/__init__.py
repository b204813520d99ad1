"""Places: find the place names of an article and resolve each to a gazetteer entry.

* :mod:`eventwire.places.resolve` — :func:`resolve`: given the spans of place names, pick for each the
  gazetteer entry it most likely means (population, feature type, the article's countries, "X, Y"
  containment, distance to the article's other places) and the ACLED geo_precision.
"""

from __future__ import annotations

from eventwire.places.resolve import Mention, haversine_km, place_of, precision_of, resolve

__all__ = ["Mention", "haversine_km", "place_of", "precision_of", "resolve"]
