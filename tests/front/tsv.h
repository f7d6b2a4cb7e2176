/*
 * tsv.h - tiny reader for the conformance TSV files (header-only, shared
 * by the front-end tests): splits lines into cells and undoes the cell
 * escapes of conformance/README.md (\\ \t \n \r \xHH).
 */
#ifndef VG_TEST_TSV_H
#define VG_TEST_TSV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TSV_MAX_CELLS 8

typedef struct tsv_cell {
  char *ptr; /* unescaped, NUL-terminated (may hold NULs) */
  size_t len;
} tsv_cell;

static int tsv_hex(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Unescapes s[0..n) in place; returns the new length. */
static size_t tsv_unescape(char *s, size_t n) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\' && i + 1 < n) {
      char c = s[i + 1];
      if (c == '\\') {
        s[o++] = '\\';
        i++;
        continue;
      }
      if (c == 't') {
        s[o++] = '\t';
        i++;
        continue;
      }
      if (c == 'n') {
        s[o++] = '\n';
        i++;
        continue;
      }
      if (c == 'r') {
        s[o++] = '\r';
        i++;
        continue;
      }
      if (c == 'x' && i + 3 < n + 0 && tsv_hex(s[i + 2]) >= 0 &&
          tsv_hex(s[i + 3]) >= 0) {
        s[o++] = (char)(tsv_hex(s[i + 2]) * 16 + tsv_hex(s[i + 3]));
        i += 3;
        continue;
      }
    }
    s[o++] = s[i];
  }
  s[o] = '\0';
  return o;
}

/* Reads the whole file; NULL if missing. */
static char *tsv_slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  if (b)
    b[n] = '\0';
  fclose(f);
  if (len)
    *len = (size_t)n;
  return b;
}

/* Splits the next line starting at *pos into cells (in place); returns
 * the number of cells, 0 at the end. The header line (the first line,
 * starting with '#') is skipped; later lines may start with '#'. */
static int tsv_next(char *buf, size_t len, size_t *pos, tsv_cell *cells) {
  while (*pos < len) {
    char *line = buf + *pos;
    char *nl = memchr(line, '\n', len - *pos);
    size_t ll = nl ? (size_t)(nl - line) : len - *pos;
    *pos += ll + (nl ? 1 : 0);
    if (ll == 0 || (line == buf && line[0] == '#'))
      continue;
    line[ll] = '\0';
    int nc = 0;
    char *c = line;
    for (;;) {
      char *tab = strchr(c, '\t');
      if (tab)
        *tab = '\0';
      if (nc < TSV_MAX_CELLS) {
        cells[nc].ptr = c;
        cells[nc].len = tsv_unescape(c, strlen(c));
        nc++;
      }
      if (!tab)
        break;
      c = tab + 1;
    }
    for (int i = nc; i < TSV_MAX_CELLS; i++) {
      cells[i].ptr = (char *)"";
      cells[i].len = 0;
    }
    return nc;
  }
  return 0;
}

#endif
