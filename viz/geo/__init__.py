"""Guangxi's 14 prefecture cities on a map: boundaries (:mod:`viz.geo.shapes`), the report's
choropleth figure (:mod:`viz.geo.figure`); the explorer draws the same shapes in the browser."""
