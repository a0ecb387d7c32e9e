#!/usr/bin/env python3
"""Justified text is set as a typesetter would: word spaces read back from
the booklet's PDF stay close to the font's natural space.

Usage: spacing.py DISPUTAS SOURCE_ROOT WORKDIR

For the seed, bokmål and nynorsk samples, and the seed with a long summary
made from its own sentences in another order, the booklet is rendered and
its lines read back with `pdftotext -bbox-layout`.  Body lines are the
lines of the commonest height among lines of five words or more.  On each
page the measure's right edge R is the commonest right end of the body
lines of five words or more that reach within 5 pt of the page's longest
one, when three lines or more end there (else the page has none); a justified line is a body line of three words or more ending within
[R - 0.5, R + 4] pt; the natural space is the median mean gap between the
words of body lines of three words or more ending 10 pt or more short of R
(paragraphs' last lines, set with natural spaces).  Each justified line's
mean gap, as a multiple of the natural space, must be at most 1.40 at the
90th percentile, at most 1.75 at most and at least 0.80; no justified line
may end more than 0.5 pt past R, except a line ending in a punctuation
mark or hyphen, which the booklet lets hang (`hanging: 0.3`): by at most
0.3 of the widest such mark (0.35 em of 9.5 pt), and such lines do hang;
no more than two body lines in a row may end in a hyphen.
"""
import os
import re
import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter

disputas, root, workdir = (os.path.abspath(a) for a in sys.argv[1:4])
os.makedirs(workdir, exist_ok=True)

P90, MAX, MIN, PAST, LADDER = 1.40, 1.75, 0.80, 0.5, 2
HYPHENS = ('-', '\u00ad', '\u2010')
HANGING = HYPHENS + ('.', ',', ':', ';', '!', '?', '\u2013', '\u2014',
                     '\u2026', '\u2019', '\u201d', '\u00bb', '"', "'")
HANG = PAST + 0.3 * 0.35 * 9.5


def lines_of(pdf):
    xml = subprocess.run(['pdftotext', '-q', '-bbox-layout', pdf, '-'],
                         capture_output=True, text=True, check=True).stdout
    xml = re.sub(r'<!DOCTYPE[^>]*>', '', xml)
    xml = xml.replace('xmlns="http://www.w3.org/1999/xhtml"', '')
    out = []
    for page, p in enumerate(ET.fromstring(xml).iter('page')):
        for line in p.iter('line'):
            words = list(line.iter('word'))
            gaps = [float(b.get('xMin')) - float(a.get('xMax'))
                    for a, b in zip(words, words[1:])]
            out.append(dict(page=page,
                            height=round(float(line.get('yMax')) -
                                         float(line.get('yMin')), 2),
                            right=float(line.get('xMax')), words=len(words),
                            gaps=gaps,
                            text=' '.join(w.text or '' for w in words)))
    return out


def measure(pdf):
    lines = lines_of(pdf)
    height = Counter(l['height'] for l in lines
                     if l['words'] >= 5).most_common(1)[0][0]
    body = [l for l in lines if l['height'] == height]
    edge = {}
    for page in {l['page'] for l in body}:
        long_ = [l['right'] for l in body if l['page'] == page and l['words'] >= 5]
        if not long_:
            continue
        top = max(long_)
        r, n = Counter(round(r, 1) for r in long_
                       if r >= top - 5).most_common(1)[0]
        # A page with fewer than three lines ending level has no justified
        # measure to read (a page of the programme and a ragged lead).
        if n >= 3:
            edge[page] = r
    justified, last = [], []
    for l in body:
        if l['page'] not in edge or l['words'] < 3:
            continue
        r = edge[l['page']]
        if r - 0.5 <= l['right'] <= r + 4:
            justified.append(l)
        elif l['right'] < r - 10:
            last.append(l)
    natural = statistics.median(statistics.mean(l['gaps']) for l in last)
    ratios = sorted(statistics.mean(l['gaps']) / natural for l in justified)
    k = (len(ratios) - 1) * 0.9
    lo = int(k)
    hi = min(lo + 1, len(ratios) - 1)
    p90 = ratios[lo] + (ratios[hi] - ratios[lo]) * (k - lo)
    run = ladder = 0
    for l in body:
        run = run + 1 if l['text'].endswith(HYPHENS) else 0
        ladder = max(ladder, run)
    past, hanging = [], 0
    for l in justified:
        over = l['right'] - edge[l['page']]
        hangs = l['text'].endswith(HANGING)
        if over > (HANG if hangs else PAST):
            past.append(l)
        elif hangs and over > PAST:
            hanging += 1
    return dict(lines=len(ratios), median=statistics.median(ratios), p90=p90,
                max=ratios[-1], min=ratios[0], ladder=ladder, past=past,
                hanging=hanging)


def long_summary(seed):
    """The seed with a summary three times as long: its sentences, each
    paragraph's in a different order (a deterministic shuffle)."""
    text = open(seed, encoding='utf-8').read()
    start = text.index('summary: |\n')
    body_start = start + len('summary: |\n')
    end = re.search(r'\n(?=\S)', text[body_start:]).start() + body_start
    paras = [p.strip() for p in text[body_start:end].split('\n\n') if p.strip()]
    out = []
    for turn in range(3):
        for i, p in enumerate(paras):
            if p.startswith('#'):
                continue
            sentences = re.split(r'(?<=\.) ', p)
            k = (turn + i) % len(sentences)
            out.append(' '.join(sentences[k:] + sentences[:k]))
    block = ''.join('  ' + p + '\n\n' for p in out)
    return text[:body_start] + block + text[end + 1:]


failures = []
cases = [(s, os.path.join(root, 'samples', s + '.yaml'))
         for s in ('seed', 'bokmal', 'nynorsk')]
generated = os.path.join(workdir, 'long.yaml')
with open(generated, 'w', encoding='utf-8') as f:
    f.write(long_summary(cases[0][1]))
cases.append(('long', generated))
for name, doc in cases:
    pdf = os.path.join(workdir, name + '.booklet.pdf')
    subprocess.run([disputas, 'render', doc, '-l', 'booklet', '-o', pdf],
                   check=True, cwd=os.path.join(root, 'samples'))
    m = measure(pdf)
    print(f"{name}: {m['lines']} justified lines, spaces x natural: median "
          f"{m['median']:.2f} p90 {m['p90']:.2f} max {m['max']:.2f} "
          f"min {m['min']:.2f}; hyphen ladder {m['ladder']}; "
          f"hanging {m['hanging']}; past the edge {len(m['past'])}")
    checks = [(m['p90'] <= P90, f"p90 {m['p90']:.2f} > {P90}"),
              (m['max'] <= MAX, f"max {m['max']:.2f} > {MAX}"),
              (m['min'] >= MIN, f"min {m['min']:.2f} < {MIN}"),
              (m['ladder'] <= LADDER, f"{m['ladder']} hyphenated lines in a row"),
              (not m['past'], 'past the edge: ' +
               '; '.join(l['text'] for l in m['past'])),
              (m['hanging'] > 0, 'no punctuation hangs past the edge')]
    failures += [f'{name}: {why}' for ok, why in checks if not ok]

for f in failures:
    print('FAIL', f)
sys.exit(1 if failures else 0)
