#!/usr/bin/env python3
"""The programme's short display lines are never hyphenated, and its
event titles are balanced like titles.

Usage: display.py DISPUTAS SOURCE_ROOT WORKDIR

The bokmål, nynorsk, seed and programme samples are rendered as a poster
and a booklet, and their text read back with `pdftotext -bbox-layout`.
The trace of the same render says where each of the programme's texts
(styles day, slot, event-title, event-where) lies; the PDF's lines inside
those boxes are read.  No such line may end in a hyphen that breaks a word
(the two pieces joined with a hyphen are not in the document: "bru-" and
"kes"), and no day or event title of two lines or more may end with one
word alone.  (An address, event-where, is left ragged: balanced, it
would break inside a street or place name rather than at its commas.)
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

disputas, root, workdir = (os.path.abspath(a) for a in sys.argv[1:4])
os.makedirs(workdir, exist_ok=True)

STYLES = ('day', 'slot', 'event-title', 'event-where')
BALANCED = ('day', 'event-title')
HYPHENS = ('-', '\u00ad', '\u2010')


def boxes(trace):
    """(page, x, y, w, h, style) of each programme text in `trace`."""
    out, page = [], -1
    for line in trace.splitlines():
        if line.startswith('page '):
            page += 1
            continue
        m = re.match(r'\s+text x=([\d.]+) y=([\d.]+) w=([\d.]+) h=([\d.]+) '
                     r'style="([^"]+)"', line)
        if m and m.group(5) in STYLES:
            x, y, w, h = (float(v) for v in m.groups()[:4])
            out.append((page, x, y, w, h, m.group(5)))
    return out


def lines_of(pdf):
    xml = subprocess.run(['pdftotext', '-q', '-bbox-layout', pdf, '-'],
                         capture_output=True, text=True, check=True).stdout
    xml = re.sub(r'<!DOCTYPE[^>]*>', '', xml)
    xml = xml.replace('xmlns="http://www.w3.org/1999/xhtml"', '')
    out = []
    for page, p in enumerate(ET.fromstring(xml).iter('page')):
        for line in p.iter('line'):
            words = [w.text or '' for w in line.iter('word')]
            out.append((page, float(line.get('xMin')), float(line.get('yMin')),
                        float(line.get('yMax')), words))
    return out


failures = []
checked = 0
for sample in ('bokmal', 'nynorsk', 'seed', 'programme'):
    doc = os.path.join(root, 'samples', sample + '.yaml')
    source = re.sub(r'\s+', ' ', open(doc, encoding='utf-8').read())
    for layout in ('poster', 'booklet'):
        name = f'{sample}.{layout}'
        pdf = os.path.join(workdir, name + '.pdf')
        # No imposition: the trace's pages are the PDF's.
        subprocess.run([disputas, 'render', doc, '-l', layout, '-o', pdf,
                        '-q'], check=True, cwd=os.path.join(root, 'samples'))
        trace = subprocess.run([disputas, 'render', doc, '-l', layout,
                                '--trace', '-q'], check=True, text=True,
                               capture_output=True,
                               cwd=os.path.join(root, 'samples')).stdout
        lines = lines_of(pdf)
        for page, x, y, w, h, style in boxes(trace):
            inside = [l for l in lines if l[0] == page and
                      x - 1 <= l[1] <= x + w and
                      y - 1 <= (l[2] + l[3]) / 2 <= y + h + 1]
            inside.sort(key=lambda l: l[2])
            words = [l[4] for l in inside if l[4]]
            checked += 1
            for a, b in zip(words, words[1:]):
                end = a[-1]
                if end.endswith(HYPHENS) and \
                        end.rstrip(''.join(HYPHENS)) + '-' + b[0] not in \
                        source.replace('\u2010', '-'):
                    failures.append(f'{name}: {style} "{" ".join(a)}" ends '
                                    f'in a hyphen that breaks a word')
            if style in BALANCED and len(words) >= 2 and \
                    len(words[-1]) == 1 and \
                    sum(len(w) for w in words) >= 4:
                failures.append(f'{name}: {style} ends with "{words[-1][0]}" '
                                f'alone: ' + ' / '.join(' '.join(w)
                                                        for w in words))
print(f'# {checked} programme texts read back')
if checked < 20:
    failures.append(f'only {checked} programme texts found')
print('1..1')
if failures:
    print('not ok 1 - the programme is set like titles')
    for f in failures:
        print('# ' + f)
    sys.exit(1)
print('ok 1 - the programme is set like titles')
