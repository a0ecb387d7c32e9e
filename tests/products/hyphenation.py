#!/usr/bin/env python3
"""A layout's hyphenation by language (`hyphenation:` at its top level),
read back from the booklets.

Usage: hyphenation.py DISPUTAS SOURCE_ROOT WORKDIR

- `off: [nb]` in a layout extending the booklet: the bokmål booklet has
  no word hyphenated at a line's end (the built-in booklet has some), and
  its English parallel title is still hyphenated by its own patterns
  where it needs to be (not checked: it may fit without).
- The Finnish sample (Debian has no Finnish patterns; libvoikko
  hyphenates it) in the built-in booklet: no warning, its summary
  justified, and words hyphenated at line ends.
- libvoikko is loaded (LD_DEBUG=libs) for the Finnish booklet only: not
  for the bokmål one (patterns) nor the Arabic one (no hyphenation).
- The same text in Northern Sami (`lang: se`: neither patterns nor a
  libvoikko dictionary) in the built-in booklet, which sets
  `unhyphenated: ragged`: no warning of missing patterns, and its summary
  set ragged (every word space of a line as wide as the others', lines
  ending short); with `unhyphenated: justify` the warning comes back and
  the summary is justified; with `off: [se]` and `unhyphenated: justify`,
  justified without the warning.
"""
import os
import re
import statistics
import subprocess
import sys

disputas, root, workdir = (os.path.abspath(a) for a in sys.argv[1:4])
os.makedirs(workdir, exist_ok=True)
failures = []
WARNING = "no hyphenation patterns for language 'se'"


def layout(name, settings):
    path = os.path.join(workdir, name + '.yaml')
    with open(path, 'w', encoding='utf-8') as f:
        f.write('layout: 1\nextends: booklet\nname: %s\nhyphenation: %s\n'
                % (name, settings))
    return path


def render(doc, lay, name):
    """The sample `doc` rendered in layout `lay`: the PDF and stderr."""
    return render_path(os.path.join(root, 'samples', doc), lay, name)


def render_path(doc, lay, name):
    pdf = os.path.join(workdir, name + '.pdf')
    run = subprocess.run([disputas, 'render', doc, '-l', lay, '-o', pdf],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit('%s: %s' % (name, run.stderr))
    return pdf, run.stderr


def hyphenated(pdf):
    """Lines ending in a hyphen the typesetter put there (U+2010)."""
    text = subprocess.run(['pdftotext', pdf, '-'], capture_output=True,
                          text=True, check=True).stdout
    return [l for l in text.splitlines() if l.endswith('\u2010')]


def summary_lines(pdf, heading):
    """The lines of the page holding `heading` below it: (right edge,
    [gaps between words]) of lines of five words or more."""
    html = subprocess.run(['pdftotext', '-bbox', pdf, '-'], check=True,
                          capture_output=True, text=True).stdout
    for body in re.findall(r'<page [^>]*>(.*?)</page>', html, re.S):
        words = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t
                 in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                               r'xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)'
                               r'</word>', body)]
        if not any(w[4] == heading for w in words):
            continue
        lines = {}
        for w in words:
            lines.setdefault(round(w[3], 1), []).append(w)
        out = []
        for ws in lines.values():
            ws.sort()
            if len(ws) >= 5:
                out.append((ws[-1][2], [b[0] - a[2] for a, b in
                                        zip(ws, ws[1:])]))
        return out
    sys.exit('no page with %r in %s' % (heading, pdf))


def justified(lines):
    """Whether the lines' word spaces differ from line to line (justified
    lines) rather than keep one width (ragged ones)."""
    means = [statistics.mean(g) for _, g in lines]
    return max(means) > 1.25 * min(means)


# Bokmål with its hyphenation off.
pdf, _ = render('bokmal.yaml', 'booklet', 'nb-builtin')
before = hyphenated(pdf)
pdf, _ = render('bokmal.yaml', layout('nb-off', '{off: [nb]}'), 'nb-off')
after = hyphenated(pdf)
if not before:
    failures.append('the built-in bokmål booklet hyphenates nothing: the '
                    'test shows nothing')
if after:
    failures.append('off: [nb]: still hyphenated: %r' % after)
print('bokmål: %d hyphenated line ends, %d with off: [nb]'
      % (len(before), len(after)))

# Finnish, without patterns, by libvoikko.
pdf, stderr = render('finnish.yaml', 'booklet', 'fi-builtin')
if 'no hyphenation patterns' in stderr:
    failures.append('fi-builtin: warned: ' + stderr)
if not justified(summary_lines(pdf, 'Tiivistelmä')):
    failures.append('fi-builtin: the summary is ragged')
finnish = hyphenated(pdf)
if not finnish:
    failures.append('fi-builtin: no word hyphenated')
print('Finnish: %d hyphenated line ends: %r' % (len(finnish), finnish))

# libvoikko and its dictionary are loaded only where they hyphenate.
def loads_voikko(doc):
    run = subprocess.run([disputas, 'render', os.path.join(root, 'samples',
                                                           doc), '-l',
                          'booklet', '-o', os.path.join(workdir, 'ld.pdf')],
                         capture_output=True, text=True,
                         env=dict(os.environ, LD_DEBUG='libs'))
    return 'libvoikko' in run.stderr


for doc, wanted in [('finnish.yaml', True), ('bokmal.yaml', False),
                    ('arabic.yaml', False)]:
    if loads_voikko(doc) != wanted:
        failures.append('%s: libvoikko %s' % (
            doc, 'not loaded' if wanted else 'loaded'))

# The same text in a language with neither patterns nor libvoikko.
with open(os.path.join(root, 'samples', 'finnish.yaml'),
          encoding='utf-8') as f:
    sami = re.sub(r'(?m)^lang: fi$', 'lang: se', f.read())
if 'lang: se' not in sami:
    sys.exit('finnish.yaml: no "lang: fi" line to change')
sami_doc = os.path.join(workdir, 'sami.yaml')
with open(sami_doc, 'w', encoding='utf-8') as f:
    f.write(sami)
cases = [('se-builtin', 'booklet', False, False),
         ('se-justify', layout('se-justify', '{unhyphenated: justify}'),
          True, True),
         ('se-off', layout('se-off', '{off: [se], unhyphenated: justify}'),
          False, True)]
for name, lay, warned, want_justified in cases:
    pdf, stderr = render_path(sami_doc, lay, name)
    lines = summary_lines(pdf, 'Summary')
    if (WARNING in stderr) != warned:
        failures.append('%s: warning %s' % (name, 'missing' if warned
                                             else 'given: ' + stderr))
    if justified(lines) != want_justified:
        failures.append('%s: the summary is %s' % (
            name, 'ragged' if want_justified else 'justified'))
    means = sorted(round(statistics.mean(g), 2) for _, g in lines)
    print('%s: mean word gaps per line %s' % (name, means))

for f in failures:
    print('FAIL', f)
sys.exit(1 if failures else 0)
