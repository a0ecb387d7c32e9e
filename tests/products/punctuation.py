#!/usr/bin/env python3
"""Every sample's products show typographic punctuation: no straight quote
or apostrophe, no hyphen standing for a dash between spaces, no hyphen in a
time range, no three full stops for an ellipsis.

Usage: punctuation.py DISPUTAS SOURCE_ROOT WORKDIR

Each sample's poster and booklet are rendered and their text extracted with
pdftotext; URLs and e-mail addresses (tokens holding "://" or "@", or
starting "www.") are left out of the check, as the typesetter leaves them.
"""
import glob
import os
import re
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
for f in failures:
    print('FAIL', f)
print('%d samples checked' % len(samples))
sys.exit(1 if failures else 0)
