#!/usr/bin/env python3
"""Every sample's products show typographic punctuation: no straight quote
or apostrophe, no hyphen standing for a dash between spaces, no hyphen in a
time range, no three full stops for an ellipsis.

Usage: punctuation.py DISPUTAS SOURCE_ROOT WORKDIR

Each sample's poster and booklet are rendered and their text extracted with
pdftotext; URLs and e-mail addresses (tokens holding "://" or "@", or
starting "www.") are left out of the check, as the typesetter leaves them.

French, last: a narrow no-break space (U+202F) before ; : ! ? and inside
« », typed with a space, a no-break space or none, and none in a URL or
a time; one before a doubled mark (?! !? !! ??), none inside it.  pdftotext gives every space glyph back as a word gap, so the
space is read back twice: the PDF's text layer maps a glyph to U+202F
(the fonts' ToUnicode maps, through qpdf), and each mark stands apart
from its word by a gap under 0.7 of the line's gaps between words (a
narrow space is some 0.2 em wide, a word space 0.26 em and more where
justified).  The French sample's labels ("Lire la thèse :") are checked
the same way.
"""
import glob
import os
import re
import statistics
import xml.etree.ElementTree as ET
import subprocess
import sys

disputas, root, workdir = (os.path.abspath(a) for a in sys.argv[1:4])
os.makedirs(workdir, exist_ok=True)

CHECKS = [
    (re.compile(r'["\']'), 'a straight quote or apostrophe'),
    (re.compile(r'(^|\s)-(\s|$)'), 'a hyphen between spaces'),
    (re.compile(r'\d[:.]\d\d-\d'), 'a hyphen in a time range'),
    (re.compile(r'\.\.\.'), 'three full stops'),
]


def words(text):
    for token in text.split():
        if '://' in token or '@' in token or token.lower().startswith('www.'):
            continue
        yield token


failures = []
samples = sorted(glob.glob(os.path.join(root, 'samples', '*.yaml')))
for doc in samples:
    name = os.path.basename(doc)[:-5]
    for layout in ('poster', 'booklet'):
        pdf = os.path.join(workdir, '%s.%s.pdf' % (name, layout))
        subprocess.run([disputas, 'render', doc, '-l', layout, '-o', pdf],
                       check=True, cwd=os.path.dirname(doc))
        text = subprocess.run(['pdftotext', pdf, '-'], capture_output=True,
                              text=True, check=True).stdout
        kept = ' '.join(words(text))
        # Line by line too, for the spaced hyphen at a line's start or end.
        for line in text.splitlines():
            line = ' '.join(words(line))
            for pattern, what in CHECKS:
                m = pattern.search(line)
                if m:
                    failures.append('%s %s: %s in %r' % (name, layout, what,
                                                         line))
        assert kept
FRENCH = """lang: fr
institution: {name: Université Grenoble Alpes}
candidate: {name: Camille Lefèvre}
thesis: {title: Le recul des glaciers}
summary: |
  Il a dit « Bonjour » et "au revoir!" Pourquoi? Parce que\u00a0: voilà ; enfin !
  Voir https://x.fr/a?b=c:d à 10:15.

  Quoi ?! Quoi?! Non !? Non!? Si!! Si !! Hein?? « Vraiment?! »
events:
  - kind: public-defence
    start: 2025-11-27T14:00
"""


def spaced_marks(pdf):
    """(marks standing apart by a narrow gap, by a wide one): each gap
    between a mark of ; : ! ? » and the word before it, or « and the word
    after it, against the median gap between the line's other words."""
    xml = subprocess.run(['pdftotext', '-bbox', pdf, '-'], capture_output=True,
                         text=True, check=True).stdout
    tree = ET.fromstring(re.sub(r'<!DOCTYPE[^>]*>', '', xml).replace(
        'xmlns="http://www.w3.org/1999/xhtml"', ''))
    narrow, wide = [], []
    for page in tree.iter('page'):
        lines = {}
        for w in page.iter('word'):
            lines.setdefault(round(float(w.get('yMax')), 1), []).append(
                (float(w.get('xMin')), float(w.get('xMax')), w.text or ''))
        for words in lines.values():
            words.sort()
            gaps = [(b[0] - a[1], a[2], b[2]) for a, b in zip(words, words[1:])]
            def marked(a, b):
                # A mark, or a run of them ("?!": one space before the
                # pair, none inside).
                return ((b and all(ch in ';:!?' for ch in b)) or b == '»'
                        or a == '«')
            plain = [g for g, a, b in gaps if not marked(a, b)]
            if not plain:
                continue
            typical = statistics.median(plain)
            for g, a, b in gaps:
                if marked(a, b):
                    (narrow if g < 0.7 * typical else wide).append((a, b, g))
    return narrow, wide


def maps_narrow_space(pdf):
    qdf = subprocess.run(['qpdf', '--qdf', '--object-streams=disable', pdf,
                          '-'], capture_output=True, check=True).stdout
    return re.search(rb'<[0-9a-fA-F]+> <202[fF]>', qdf) is not None


french = os.path.join(workdir, 'french-marks.yaml')
with open(french, 'w', encoding='utf-8') as f:
    f.write(FRENCH)
pdf = os.path.join(workdir, 'french-marks.pdf')
subprocess.run([disputas, 'render', french, '-l', 'booklet', '-o', pdf],
               check=True)
narrow, wide = spaced_marks(pdf)
text = subprocess.run(['pdftotext', pdf, '-'], capture_output=True, text=True,
                      check=True).stdout
expected = [('«', 'Bonjour'), ('Bonjour', '»'), ('«', 'au'), ('revoir', '!'),
            ('!', '»'), ('Pourquoi', '?'), ('que', ':'), ('voilà', ';'),
            ('enfin', '!'), ('Quoi', '?!'), ('Quoi', '?!'), ('Non', '!?'),
            ('Non', '!?'), ('Si', '!!'), ('Si', '!!'), ('Hein', '??'),
            ('«', 'Vraiment'), ('Vraiment', '?!'), ('?!', '»')]
if sorted((a, b) for a, b, g in narrow) != sorted(expected) or wide:
    failures.append('french marks: narrow %r, wide %r, not %r'
                    % (narrow, wide, expected))
if not maps_narrow_space(pdf):
    failures.append('french marks: no glyph maps to U+202F')
for kept in ('https://x.fr/a?b=c:d', '10:15.'):
    if kept not in text.split():
        failures.append('french marks: %r was spaced' % kept)
sample = os.path.join(workdir, 'french.booklet.pdf')
narrow, wide = spaced_marks(sample)
labels = [(a, b) for a, b, g in narrow if b == ':']
if len(labels) < 3 or wide or not maps_narrow_space(sample):
    failures.append('french sample: colons %r, wide %r' % (labels, wide))
print('french: %d marks narrowly spaced in the sample' % len(narrow))

for f in failures:
    print('FAIL', f)
print('%d samples checked' % len(samples))
sys.exit(1 if failures else 0)
