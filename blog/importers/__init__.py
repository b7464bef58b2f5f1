"""Importers and exporters that move a site's content in and out of Closer (WordPress WXR)."""
