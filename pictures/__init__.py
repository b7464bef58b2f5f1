"""Pictures: the one pipeline every stored image goes through (see ``pictures.pipeline``).

A leaf package: it knows Pillow, storage and one template, and nothing about essays or videos.
"""
