#!/usr/bin/env python3
"""Renders a poster from an announcement in a Python string, through
libdisputas with ctypes, and writes poster.pdf into the current folder.

    python3 disputas.py

The library is libdisputas.so.0 as the dynamic linker finds it (installed,
or on LD_LIBRARY_PATH), or the file named by $DISPUTAS_LIBRARY.
"""
import ctypes
import os
import sys

ANNOUNCEMENT = """\
institution:
  name: University of Agder
candidate:
  name: Maren Tollefsen Eide
thesis:
  title: Wind, Waves and Winches
events:
  - kind: public-defence
    start: 2026-01-16T13:00
"""

lib = ctypes.CDLL(os.environ.get("DISPUTAS_LIBRARY", "libdisputas.so.0"))
c_void_p, c_char_p, c_size_t = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
lib.dp_get_version.restype = c_char_p
lib.dp_context_new.restype = c_void_p
lib.dp_context_free.argtypes = [c_void_p]
lib.dp_document_load_data.restype = c_void_p
lib.dp_document_load_data.argtypes = [c_void_p, c_char_p, c_char_p, c_size_t]
lib.dp_document_free.argtypes = [c_void_p]
lib.dp_layout_load.restype = c_void_p
lib.dp_layout_load.argtypes = [c_void_p, c_char_p]
lib.dp_layout_free.argtypes = [c_void_p]
lib.dp_render_to_memory.argtypes = [
    c_void_p, c_void_p, c_void_p, c_void_p,
    ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte)), ctypes.POINTER(c_size_t)]
lib.dp_free.argtypes = [c_void_p]
lib.dp_context_set_print_diagnostics.argtypes = [c_void_p, ctypes.c_bool]

ctx = lib.dp_context_new()
lib.dp_context_set_print_diagnostics(ctx, True)  # problems to stderr
text = ANNOUNCEMENT.encode("utf-8")
doc = lib.dp_document_load_data(ctx, b"announcement.yaml", text, len(text))
layout = lib.dp_layout_load(ctx, b"poster")
status = 1
if doc and layout:
    data = ctypes.POINTER(ctypes.c_ubyte)()
    length = c_size_t()
    status = lib.dp_render_to_memory(ctx, doc, layout, None,
                                     ctypes.byref(data), ctypes.byref(length))
    if status == 0:
        with open("poster.pdf", "wb") as f:
            f.write(ctypes.string_at(data, length.value))
        lib.dp_free(data)
        print("wrote poster.pdf (%d bytes) with disputas %s"
              % (length.value, lib.dp_get_version().decode()))
lib.dp_layout_free(layout)
lib.dp_document_free(doc)
lib.dp_context_free(ctx)
sys.exit(status)
