#!/usr/bin/env python3
"""Each language's sample speaks its language in every product.

Usage: languages.py DISPUTAS SOURCE_ROOT WORKDIR

Every non-English sample is rendered as poster, booklet and booklet-print,
and the text of each PDF extracted with pdftotext.

1. No English label: every text of data/labels/en.yaml (the layouts' own
   words; not the date patterns and templates, and not a text the
   language's table has too, such as "ISBN" or Danish "Opponent") is
   looked for as a whole word or phrase, as written and in capitals (the
   layouts set some headings in capitals), and must not be found.
2. The language's own forms: the labels, dates, times and name forms
   below were written from each language's usage (see data/labels/), not
   copied from any output, and each must be found in the poster and the
   booklet, in any case (the poster sets headings in capitals).  A person
   with a role is written ROLE: NAME in the poster and ROLE, a line break,
   NAME in the booklet: the pair is given as "ROLE|NAME".  White space
   (line breaks, no-break spaces) counts as one space.
"""
import os
import re
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)

# Keys whose texts are patterns or templates, not words shown as such.
NOT_WORDS = re.compile(r"-format$|^time-range|^person-name$|^venue-line$|^colon$")


def table(lang):
    """The flat key: text map of data/labels/LANG.yaml (plain or double-
    quoted scalars, which is all the tables use)."""
    texts = {}
    with open(os.path.join(root, "data", "labels", lang + ".yaml"),
              encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^([a-z-]+):\s*(.*?)\s*$", line)
            if not m:
                continue
            value = m.group(2)
            if value.startswith('"'):
                value = value[1:-1].encode().decode("unicode_escape") \
                    if "\\" in value else value[1:-1]
            texts[m.group(1)] = value
    return texts


SAMPLES = {
    "swedish": ("sv", [
        "Disputation", "Betygsnämnd", "Handledare", "Ordförande",
        "Fakultetsopponent|professor Anna-Karin Holmqvist",
        "Ledamot|docent Per Sandström", "Huvudhandledare",
        "Biträdande handledare", "fredag 14 november 2025",
        "kl. 13.15–16.00", "Delta på distans",
        # A meeting ID given without a passcode is still printed.
        "Mötes-ID",
    ]),
    "danish": ("da", [
        "Ph.d.-forsvar", "Bedømmelsesudvalg", "Vejledere", "Hovedvejleder",
        "Medvejleder", "Formand for bedømmelsesudvalget",
        "fredag den 5. december 2025", "kl. 13.00–16.00", "kl. 16.00",
        "Reception",
    ]),
    "finnish": ("fi", [
        "Väitöstilaisuus", "Vastaväittäjä|professori Lars-Anders Hansson",
        "Kustos", "professori Tiina Koivisto", "Esitarkastaja", "Ohjaajat",
        "Pääohjaaja", "perjantaina 24. lokakuuta 2025", "klo 12.00–15.00",
        "Osallistu etänä",
    ]),
    "icelandic": ("is", [
        "Doktorsvörn", "Matsnefnd", "Leiðbeinendur",
        # The title after the name.
        "Fyrri andmælandi|Freysteinn Sigmundsson, prófessor",
        "Seinni andmælandi|Michelle Parks, prófessor",
        "Halldór Geirsson, prófessor, deildarforseti Jarðvísindadeildar",
        "föstudagur 16. janúar 2026", "kl. 13:00–16:00",
    ]),
    "german": ("de", [
        "Disputation", "Prüfungskommission", "Betreuung",
        "Erstgutachter|Prof. Dr. Christian Winter",
        "Zweitgutachter|Prof. Dr. Tjeerd Bouma",
        "Vorsitz der Prüfungskommission", "Erstbetreuer",
        "Freitag, 6. Februar 2026", "14:00–16:00 Uhr",
    ]),
    "dutch": ("nl", [
        "Promotie", "Promotiecommissie", "Promotoren", "Promotor", "Copromotor",
        "Lid|prof. dr. A. Verhetsel", "dinsdag 10 maart 2026",
        "12.45–13.45 uur", "Online volgen",
    ]),
    "french": ("fr", [
        "Soutenance de thèse", "Jury", "Encadrement",
        # A space before the colon, the title after the name.
        "Premier rapporteur|Marie Dumont, professeure",
        "Second rapporteur|Étienne Berthier, directeur de recherche CNRS",
        "Présidence du jury|Hélène Castebrunet",
        "Direction de thèse|Delphine Six, maîtresse de conférences",
        "jeudi 27 novembre 2025", "14 h 00 – 17 h 00",
        "ID de réunion : 937 1204 5561", "Code secret : 271125",
    ]),
    # Right to left.  pdftotext gives Arabic's lam-alef ligatures back in
    # the wrong order (ال for لا), so the phrases here have none; and it
    # moves numbers and commas about in right-to-left lines, so a date is
    # looked for word by word (ICU's Arabic: Arabic-Indic digits).
    "arabic": ("ar", [
        "المحاضرة التجريبية", "لجنة المناقشة", "المناقش الثاني",
        "المشرف الرئيسي", "المشرف المشارك", "نوفمبر", "٢٠٢٥", "٢٣",
        "الساعة",
    ]),
    "hebrew": ("he", [
        "הרצאת ניסיון", "הגנה פומבית על עבודת הדוקטורט", "ועדת הבוחנים",
        "בוחן ראשון", "מנחה ראשי", "מנחה שותף", "הנחיה",
        "יום שני", "בדצמבר", "2025",
    ]),
}

PRODUCTS = ["poster", "booklet", "booklet-print"]


def normalise(text):
    # pdftotext wraps right-to-left text in embedding controls.
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")
                  .replace("\u202f", " ")).strip()


def pdf_text(sample, layout):
    out = os.path.join(workdir, f"{sample}.{layout}.pdf")
    subprocess.run([disputas, "render",
                    os.path.join(root, "samples", sample + ".yaml"),
                    "-l", layout, "-o", out], check=True)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", out, "-"],
                          check=True, capture_output=True).stdout
    return normalise(text.decode("utf-8"))


def found(phrase, text, fold=False, squeeze=True):
    pattern = r"(?<!\w)" + re.escape(normalise(phrase)) + r"(?!\w)"
    flags = re.IGNORECASE if fold else 0
    if re.search(pattern, text, flags) or not squeeze:
        return re.search(pattern, text, flags) is not None
    # Letter-spaced capitals come out of pdftotext with stray spaces
    # ("VE JLEDERE"): compare without any.
    squeeze = re.escape(re.sub(r"\s", "", phrase))
    return re.search(squeeze, re.sub(r"\s", "", text), flags) is not None


def as_shown(phrase, layout, colon):
    """ROLE|NAME as the layout writes it."""
    if "|" not in phrase:
        return phrase
    role, name = phrase.split("|")
    return f"{role}{colon} {name}" if layout == "poster" else f"{role} {name}"


english = table("en")
failures = 0
count = 0
for sample, (lang, expected) in SAMPLES.items():
    own = table(lang)
    missing = set(english) - set(own)
    if missing:
        print(f"not ok: {lang}.yaml lacks {sorted(missing)}")
        failures += 1
    own_texts = set(own.values())
    foreign = sorted({t for k, t in english.items()
                      if not NOT_WORDS.search(k) and t not in own_texts})
    for layout in PRODUCTS:
        text = pdf_text(sample, layout)
        for label in foreign:
            count += 1
            for form in (label, label.upper()):
                if found(form, text, squeeze=form.isupper()):
                    print(f"not ok: {sample}.{layout} shows the English "
                          f"label '{form}'")
                    failures += 1
        if layout == "booklet-print":
            continue  # the same text as the booklet, in the printer's order
        for phrase in expected:
            count += 1
            shown = as_shown(phrase, layout, own["colon"])
            if not found(shown, text, fold=True):
                print(f"not ok: {sample}.{layout} lacks '{shown}'")
                failures += 1
print(f"{count} checks, {failures} failures")
sys.exit(1 if failures else 0)
