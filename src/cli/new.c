/* `disputas new`: a commented announcement to fill in.
 *
 * Required values are placeholders, `<words in angle brackets>`, which
 * `check` refuses one by one at their place ("… is still the placeholder
 * …") until they are filled; optional keys are commented out, to be
 * uncommented when they apply.  So the file is valid as soon as every
 * placeholder is filled, and not before.  The keys and the rules are
 * docs/announcement.md's. */
#include "new.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char header[] =
    "# A doctoral defence announcement for disputas.\n"
    "#\n"
    "# Fill in every <placeholder> (replace the angle brackets and the words\n"
    "# in them), and uncomment (remove the '# ' before) the optional keys\n"
    "# that apply.  Then:\n"
    "#\n"
    "#   disputas check FILE     # what is still missing or wrong\n"
    "#   disputas build FILE     # the poster, the booklets and a calendar\n"
    "#\n"
    "# Quote a value that holds ': ' or ' #', or starts with '#':\n"
    "#   title: \"Winches: A Study\"     colour: \"#00509e\"\n"
    "# Every key is described in disputas-announcement(5).\n"
    "\n";

static const char institution[] =
    "institution:\n"
    "  name: <the institution's full name>\n"
    "  # short: HVL\n"
    "  # faculty: Faculty of Health and Social Sciences\n"
    "  # url: https://www.example.org\n"
    "  # logo: images/logo.svg           # PNG, JPEG or SVG, beside this file\n"
    "  # colour: \"#00509e\"              # the brand colour, quoted\n"
    "\n"
    "candidate:\n"
    "  name: <the candidate's full name>\n"
    "  # affiliation: Department of Ocean Technology\n"
    "  # photo: images/candidate.jpg\n"
    "\n"
    "degree: <the degree, such as PhD>\n"
    "# discipline: Marine Technology\n"
    "\n"
    "thesis:\n"
    "  title: <the title of the thesis>\n"
    "  # subtitle: A Study of Small Harbours\n"
    "  # url: https://hdl.handle.net/11250/1234567   # where to read it\n"
    "\n"
    "# A short introduction, news style (several lines, indented):\n"
    "# lead: |\n"
    "#   NAME defends the thesis on ...\n"
    "\n"
    "# A popular-science summary; '## ' starts a section:\n"
    "# summary: |\n"
    "#   The first paragraph.\n"
    "#\n"
    "#   ## A section\n"
    "#\n"
    "#   More text.\n"
    "\n"
    "# Dates and times: 2026-01-16T13:00 (a date alone while the time is not\n"
    "# known).  Events are shown in this order.\n"
    "events:\n";

/* One event of `kind`; `label` for kind other. */
static void append_event(GString *out, const char *kind, int number) {
  g_string_append_printf(out, "  - kind: %s\n", kind);
  if (!strcmp(kind, "other"))
    g_string_append_printf(out, "    label: <what event %d is, such as "
                           "Reception>\n", number);
  if (!strcmp(kind, "trial-lecture"))
    g_string_append(out, "    title: <the lecture's title>   # or tba: true "
                         "until it is known\n");
  g_string_append_printf(out, "    start: <the date and time of event %d, "
                         "such as 2026-01-16T%s>\n", number,
                         number == 1 ? "10:15" : number == 2 ? "13:00"
                                                             : "16:00");
  g_string_append(out, "    # end: 2026-01-16T11:00\n"
                       "    venue:\n"
                       "      room: <the room>\n"
                       "      # building: Main Building\n"
                       "      # campus: Grimstad\n"
                       "      # address: Universitetsveien 25\n");
}

static const char people[] =
    "\n"
    "# How to join online, for the whole defence (quote the meeting ID):\n"
    "# online:\n"
    "#   platform: Zoom\n"
    "#   url: https://example.org/meeting\n"
    "#   meeting-id: \"123 456 789\"\n"
    "\n"
    "# Roles: leader, first-opponent, second-opponent, opponent, member,\n"
    "# main-supervisor, co-supervisor, or any text (printed as written).\n"
    "committee:\n"
    "  - role: first-opponent\n"
    "    name: <the first opponent's name>\n"
    "    # title: Professor\n"
    "    # affiliation: University of Stavanger\n"
    "  - role: second-opponent\n"
    "    name: <the second opponent's name>\n"
    "  - role: leader\n"
    "    name: <the committee leader's name>\n"
    "\n"
    "supervisors:\n"
    "  - role: main-supervisor\n"
    "    name: <the main supervisor's name>\n"
    "\n"
    "# Who leads the public defence:\n"
    "# chair: {title: Professor, name: NAME, position: Dean}\n"
    "\n"
    "# contact:\n"
    "#   - {name: NAME, email: name@example.org}\n"
    "\n"
    "# Practical information: language of the defence, a reception, ...\n"
    "# notes: |\n"
    "#   The defence is in English.\n";

char *dp_cli_new_announcement(const char *lang, int events) {
  GString *out = g_string_new(header);
  g_string_append_printf(out, "lang: %s                  # en, nb, nn, de, ...\n"
                         "# timezone: Europe/Oslo\n\n", lang);
  g_string_append(out, institution);
  for (int i = 1; i <= events; i++) {
    const char *kind = events == 1 ? "public-defence"
                       : i == 1    ? "trial-lecture"
                       : i == 2    ? "public-defence"
                                   : "other";
    append_event(out, kind, i);
  }
  g_string_append(out, people);
  return g_string_free(out, FALSE);
}

bool dp_cli_lang_form(const char *lang) {
  if (!*lang || strlen(lang) > 35) return false;
  for (const char *p = lang; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '-') return false;
  return g_ascii_isalpha(lang[0]);
}

int dp_cli_write_new(const char *path, const char *text) {
  size_t length = strlen(text);
  if (!path || !strcmp(path, "-")) {
    if (fwrite(text, 1, length, stdout) != length || fflush(stdout) != 0) {
      fprintf(stderr, "disputas: error: cannot write to standard output\n");
      return 3;
    }
    return 0;
  }
  /* O_EXCL: an announcement already there is someone's work. */
  int fd = g_open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) {
    int error = errno;
    if (error == EEXIST)
      fprintf(stderr, "disputas: error: '%s' exists; 'disputas new' does not "
              "replace a file\n", path);
    else
      fprintf(stderr, "disputas: error: cannot write '%s': %s\n", path,
              g_strerror(error));
    return 3;
  }
  size_t done = 0;
  int error = 0;
  while (done < length) {
    ssize_t n = write(fd, text + done, length - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      error = n < 0 ? errno : EIO;
      break;
    }
    done += (size_t)n;
  }
  if (close(fd) != 0 && !error) error = errno;
  if (error) {
    g_unlink(path); /* not half a template */
    fprintf(stderr, "disputas: error: cannot write '%s': %s\n", path,
            g_strerror(error));
    return 3;
  }
  return 0;
}
