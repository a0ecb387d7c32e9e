#!/usr/bin/env python3
"""Every sample's products show typographic punctuation in their
languages' forms, read back from the PDFs with pdftotext.

Usage: punctuation.py DISPUTAS SOURCE_ROOT WORKDIR

1. Every product (poster, booklet, imposed booklet) of every sample:
   no straight quote or apostrophe, no hyphen standing for a dash
   between spaces, no hyphen in a time range, no three full stops for an
   ellipsis, and no quotation mark but those of the languages the
   document declares (its `lang`, its parallel title's `parallel-lang`).
   Left out, as the typesetter leaves them: URLs and e-mail addresses
   (tokens holding "://" or "@", or starting "www."), and codes and
   numbers, tokens without a letter (ISBNs, DOIs' digits, telephone
   numbers, meeting IDs), for the straight marks (a prime in 12'30"
   is not a quotation mark).
2. Every sample with a paragraph of straight punctuation added to its
   summary: its booklet reads back that paragraph in the language's
   forms (MARKS below, the issue's table: English “ ” ‘ ’, Norwegian
   « » ‘ ’, Swedish and Finnish ” ” ’ ’, German „ “ ‚ ‘ ...).
3. A bokmål document with an English parallel title holding "quotes"
   and an apostrophe: the parallel title takes English marks, the
   Norwegian title Norwegian ones, in the poster and the booklet (a
   paragraph of its own in the parallel language) and in a layout that
   sets both titles in one line (the parallel title a span of its own
   language).

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

import yaml

disputas, root, workdir = (os.path.abspath(a) for a in sys.argv[1:4])
os.makedirs(workdir, exist_ok=True)

CHECKS = [
    (re.compile(r'(^|\s)-(\s|$)'), 'a hyphen between spaces'),
    (re.compile(r'\d[:.]\d\d-\d'), 'a hyphen in a time range'),
    (re.compile(r'\.\.\.'), 'three full stops'),
]
STRAIGHT = re.compile(r'["\']')
# Outer opening and closing marks, inner opening and closing, and the
# dash a spaced hyphen becomes, per language (the table; Danish
# and Icelandic as their printers set them, Greek with guillemets;
# Arabic and Hebrew as CLDR has them, in the order they are typed).
MARKS = {
    'en': '“”‘’–', 'nb': '«»‘’–', 'nn': '«»‘’–', 'sv': '””’’–',
    'fi': '””’’–', 'de': '„“‚‘–', 'fr': '«»“”–', 'da': '»«›‹–',
    'nl': '“”‘’–', 'is': '„“‚‘–', 'el': '«»“”–', 'ar': '”“’‘–',
    'he': '””’’–',
}
QUOTES = set('«»“”‘’„‚‹›')


def lang_of(tag):
    return (tag or 'en').split('-')[0].lower()


def verbatim(token):
    """URLs and e-mail addresses, as the typesetter leaves them."""
    return '://' in token or '@' in token or token.lower().startswith('www.')


def letterless(token):
    """Codes and numbers: ISBNs, telephone numbers, meeting IDs."""
    return not any(ch.isalpha() for ch in token)


def absolute(value, folder):
    """`value` with every string that names a file in `folder` made an
    absolute path."""
    if isinstance(value, dict):
        return {k: absolute(v, folder) for k, v in value.items()}
    if isinstance(value, list):
        return [absolute(v, folder) for v in value]
    if (isinstance(value, str) and '\n' not in value and
            os.path.isfile(os.path.join(folder, value))):
        return os.path.join(folder, value)
    return value


def pdf_text(pdf):
    return subprocess.run(['pdftotext', pdf, '-'], capture_output=True,
                          text=True, check=True).stdout


failures = []
samples = sorted(glob.glob(os.path.join(root, 'samples', '*.yaml')))
products = os.path.join(workdir, 'products')
os.makedirs(products, exist_ok=True)
subprocess.run([disputas, 'build', '-q', '-d', products] + samples,
               check=True, capture_output=True)
checked = 0
for doc in samples:
    name = os.path.basename(doc)[:-5]
    with open(doc, encoding='utf-8') as f:
        data = yaml.safe_load(f)
    thesis = data.get('thesis') or {}
    langs = {lang_of(data.get('lang')), lang_of(thesis.get('parallel-lang'))
             if thesis.get('parallel-title') else lang_of(data.get('lang'))}
    allowed = set('’')
    for lang in langs:
        allowed |= set(MARKS.get(lang, '“”‘’'))
    for product in ('poster', 'booklet', 'booklet-print'):
        pdf = os.path.join(products, '%s.%s.pdf' % (name, product))
        text = pdf_text(pdf)
        assert text.split(), pdf
        checked += 1
        # Line by line, for the spaced hyphen at a line's start or end.
        for line in text.splitlines():
            tokens = [t for t in line.split() if not verbatim(t)]
            kept = ' '.join(tokens)
            for pattern, what in CHECKS:
                if pattern.search(kept):
                    failures.append('%s %s: %s in %r' % (name, product, what,
                                                         line))
            for t in tokens:
                if not letterless(t) and STRAIGHT.search(t):
                    failures.append('%s %s: a straight quote or apostrophe '
                                    'in %r' % (name, product, line))
                foreign = set(t) & QUOTES - allowed
                if foreign:
                    failures.append('%s %s: %s, not a mark of %s, in %r'
                                    % (name, product, ''.join(sorted(
                                        foreign)), '/'.join(sorted(langs)),
                                       line))
print('%d products of %d samples checked' % (checked, len(samples)))

# 2. Straight punctuation added to each sample, in its language's forms.
PROBE = 'Tak: "ab \'cd\' ef" - it\'s 10-12, 1990-2000 wait...'
probes = os.path.join(workdir, 'probes')
os.makedirs(probes, exist_ok=True)
for doc in samples:
    name = os.path.basename(doc)[:-5]
    with open(doc, encoding='utf-8') as f:
        data = yaml.safe_load(f)
    lang = lang_of(data.get('lang'))
    data['summary'] = ((data.get('summary') or '').rstrip() + '\n\n' +
                       PROBE + '\n')
    probe = os.path.join(probes, name + '.yaml')
    # Images and house files are named relative to the document.
    data = absolute(data, os.path.dirname(doc))
    with open(probe, 'w', encoding='utf-8') as f:
        yaml.safe_dump(data, f, allow_unicode=True, sort_keys=False)
    pdf = os.path.join(probes, name + '.booklet.pdf')
    subprocess.run([disputas, 'render', probe, '-l', 'booklet', '-o', pdf],
                   check=True, capture_output=True)
    # Spaces (French narrow ones), line breaks and bidi controls aside.
    text = re.sub(r'[\s\u202a-\u202e\u2066-\u2069]', '', pdf_text(pdf))
    m = MARKS.get(lang)
    if m:
        expected = ('Tak:%sab%scd%sef%s%sit’s10–12,1990–2000wait…'
                    % (m[0], m[2], m[3], m[1], m[4]))
        # In a right-to-left paragraph the closing ellipsis, a neutral at
        # its end, stands left of the English line: read first.
        rtl = '…' + expected[:-1]
        if expected not in text and not (lang in ('ar', 'he') and
                                          rtl in text):
            failures.append('%s probe: %r not in the booklet (%r)'
                            % (name, expected, text[text.find('Tak:'):][:60]))
    elif re.search(r'Tak:.*?wait', text) is None or STRAIGHT.search(
            re.search(r'Tak:.*?wait', text).group(0)):
        failures.append('%s probe: straight marks in the booklet' % name)
print('%d samples probed' % len(samples))

# 3. An English parallel title in a bokmål document.
PARALLEL = os.path.join(workdir, 'parallel')
os.makedirs(PARALLEL, exist_ok=True)
with open(os.path.join(root, 'samples', 'bokmal.yaml'), encoding='utf-8') as f:
    data = yaml.safe_load(f)
data['thesis']['title'] = 'Lakselus i et "varmere" hav'
data['thesis']['parallel-title'] = ('Salmon lice in a "warmer" sea: '
                                    "the lice's season")
parallel_doc = os.path.join(PARALLEL, 'parallel.yaml')
with open(parallel_doc, 'w', encoding='utf-8') as f:
    yaml.safe_dump(data, f, allow_unicode=True, sort_keys=False)
INLINE = """layout: 1
name: inline
page: {size: A4, margins: 15mm}
styles:
  body: {family: Noto Serif, size: 10pt}
templates:
  single:
    frames:
      - name: main
        content:
          - text: "{thesis.title} / {thesis.parallel-title}"
sequence: [single]
"""
inline = os.path.join(PARALLEL, 'inline.yaml')
with open(inline, 'w', encoding='utf-8') as f:
    f.write(INLINE)
for product in ('poster', 'booklet', inline):
    pdf = os.path.join(PARALLEL, os.path.basename(product) + '.pdf')
    subprocess.run([disputas, 'render', parallel_doc, '-l', product, '-o',
                    pdf], check=True, capture_output=True)
    text = re.sub(r'\s+', ' ', pdf_text(pdf))
    for want in ('Lakselus i et «varmere» hav',
                 'Salmon lice in a “warmer” sea: the lice’s season'):
        if want not in text:
            failures.append('parallel title %s: no %r in %r'
                            % (os.path.basename(product), want, text[:300]))

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
sample = os.path.join(products, 'french.booklet.pdf')
narrow, wide = spaced_marks(sample)
labels = [(a, b) for a, b, g in narrow if b == ':']
if len(labels) < 3 or wide or not maps_narrow_space(sample):
    failures.append('french sample: colons %r, wide %r' % (labels, wide))
print('french: %d marks narrowly spaced in the sample' % len(narrow))

for f in failures:
    print('FAIL', f)
print('%d samples checked' % len(samples))
sys.exit(1 if failures else 0)
