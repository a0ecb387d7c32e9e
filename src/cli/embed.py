#!/usr/bin/env python3
"""Writes a file as a C header holding it as one string constant.

Usage: embed.py INPUT OUTPUT NAME

The string is split a line a literal, so the header reads as the input.
"""
import sys

source, target, name = sys.argv[1:4]
with open(source, encoding="utf-8") as f:
    text = f.read()
lines = ["/* Made from %s by embed.py: edit that file. */" % source.split("/")[-1],
         "static const char %s[] =" % name]
for line in text.splitlines(True):
    escaped = (line.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n"))
    lines.append('    "%s"' % escaped)
lines[-1] += ";"
with open(target, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
