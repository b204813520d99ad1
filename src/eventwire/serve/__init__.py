"""``eventwire serve``: a local web page over the store (map, timeline, filters, event detail with the
evidence highlighted) and the JSON API it uses. See :mod:`eventwire.serve.app` and
:mod:`eventwire.serve.server`."""

from eventwire.serve.app import ApiError, App, Filters, parse_filters
from eventwire.serve.server import serve

__all__ = ["ApiError", "App", "Filters", "parse_filters", "serve"]
