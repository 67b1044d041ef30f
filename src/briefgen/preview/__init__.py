"""`briefgen preview`: a local page that shows a brief's pages, evidence and problems as the
spec is written, rebuilt on every save (the only package that imports starlette and uvicorn)."""
