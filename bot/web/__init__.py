"""HTTP interface: a FastAPI app with the Open311 GeoReport v2 API for problem reports."""
