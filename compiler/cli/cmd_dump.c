/*
 * cmd_dump.c - `vigil dump -p FORMAT [--filter CONDITION] EVENTS...`: reads
 * capture files and prints one line per event that libsinsp would show,
 * with FORMAT's %field tokens replaced by the field values (cli.md). A
 * leading '*' prints every event, with <NA> for missing values; without it
 * events with a missing value are skipped. --filter is refused until the
 * condition VM lands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cmds.h"
#include "fields/syscall_fields.h"
#include "sources/scap.h"
#include "sources/sysstate.h"

#define MAX_TOKENS 256

typedef struct tok {
  int is_field;
  size_t width; /* %NNfield: value cut or space-padded to NN bytes */
  const char *text; /* literal text */
  size_t len;
  vg_field_ref ref;
} tok;

static int parse_format(const char *fmt, tok *toks, int *ntok, char *err,
                        size_t errlen) {
  int n = 0;
  const char *p = fmt;
  const char *lit = p;
  while (*p) {
    if (*p == '%' && p[1] && p[1] != '%') {
      size_t used, width = 0;
      vg_field_ref ref;
      const char *q = p + 1;
      while (*q >= '0' && *q <= '9') {
        if (width < 100000)
          width = width * 10 + (size_t)(*q - '0');
        q++;
      }
      vigil_status st = vg_field_parse(q, &ref, &used);
      if (st != VIGIL_OK) {
        size_t l = strcspn(q, " |,:;\t()[]");
        snprintf(err, errlen, "unknown field '%.*s' in the format",
                 (int)l, q);
        return -1;
      }
      if (p > lit) {
        if (n >= MAX_TOKENS)
          goto too_many;
        toks[n].is_field = 0;
        toks[n].width = 0;
        toks[n].text = lit;
        toks[n].len = (size_t)(p - lit);
        n++;
      }
      if (n >= MAX_TOKENS)
        goto too_many;
      toks[n].is_field = 1;
      toks[n].ref = ref;
      toks[n].width = width;
      n++;
      p = q + used;
      lit = p;
      continue;
    }
    if (*p == '%' && p[1] == '%')
      p++;
    p++;
  }
  if (p > lit) {
    if (n >= MAX_TOKENS)
      goto too_many;
    toks[n].is_field = 0;
    toks[n].width = 0;
    toks[n].text = lit;
    toks[n].len = (size_t)(p - lit);
    n++;
  }
  *ntok = n;
  return 0;
too_many:
  snprintf(err, errlen, "too many tokens in the format");
  return -1;
}

static void usage(FILE *f) {
  fprintf(f, "usage: vigil dump -p FORMAT [--filter CONDITION] EVENTS...\n");
}

static int dump_file(const char *path, tok *toks, int ntok, int all,
                     char *line, size_t linecap) {
  vg_scap *r = NULL;
  vg_sysstate *s = NULL;
  char err[512];
  vigil_status st = vg_scap_open(path, &r, err, sizeof err);
  if (st != VIGIL_OK) {
    fprintf(stderr, "vigil dump: %s\n", err);
    return 2;
  }
  if (vg_sys_new(&s) != VIGIL_OK) {
    vg_scap_close(r);
    fprintf(stderr, "vigil dump: out of memory\n");
    return 2;
  }
  vg_sys_accessor acc;
  vg_sys_accessor_for_state(&acc, s);
  uint64_t num = 0;
  int rc = 0;
  char val[8192];
  for (;;) {
    vg_scap_item it;
    st = vg_scap_next(r, &it);
    if (st != VIGIL_OK) {
      fprintf(stderr, "vigil dump: %s: %s\n", path, vg_scap_error(r));
      rc = 2;
      break;
    }
    if (it.kind == VG_SCAP_EOF)
      break;
    if (it.kind != VG_SCAP_EVENT) {
      if (vg_sys_item(s, &it) != VIGIL_OK) {
        fprintf(stderr, "vigil dump: %s: out of memory\n", path);
        rc = 2;
        break;
      }
      continue;
    }
    int shown = 0;
    num++;
    if (vg_sys_event(s, it.u.evt, num, &shown) != VIGIL_OK) {
      rc = 2;
      break;
    }
    if (!shown)
      continue;
    size_t o = 0;
    int skip = 0;
    for (int i = 0; i < ntok && !skip; i++) {
      const char *src;
      size_t l;
      if (toks[i].is_field) {
        if (vg_field_render(&acc, &toks[i].ref, val, sizeof val)) {
          src = val;
        } else if (all) {
          src = "<NA>";
        } else {
          skip = 1;
          break;
        }
        l = strlen(src);
      } else {
        src = toks[i].text;
        l = toks[i].len;
      }
      size_t pad = 0;
      if (toks[i].width) {
        if (l > toks[i].width)
          l = toks[i].width;
        pad = toks[i].width - l;
      }
      if (o + l + pad >= linecap - 1)
        break;
      memcpy(line + o, src, l);
      o += l;
      memset(line + o, ' ', pad);
      o += pad;
    }
    if (skip)
      continue;
    line[o++] = '\n';
    fwrite(line, 1, o, stdout);
  }
  vg_sys_free(s);
  vg_scap_close(r);
  return rc;
}

int vg_cmd_dump(int argc, char **argv) {
  const char *fmt = NULL;
  const char *filter = NULL;
  int first_file = -1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
      fmt = argv[++i];
    } else if (strcmp(argv[i], "--filter") == 0 && i + 1 < argc) {
      filter = argv[++i];
    } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return 0;
    } else if (argv[i][0] == '-' && argv[i][1] != 0) {
      fprintf(stderr, "vigil dump: unknown option '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    } else {
      first_file = i;
      break;
    }
  }
  if (!fmt || first_file < 0) {
    usage(stderr);
    return 2;
  }
  if (filter) {
    fprintf(stderr, "vigil dump: --filter is not supported yet (the "
                    "condition compiler and VM are not available)\n");
    return 2;
  }
  int all = 0;
  if (fmt[0] == '*') {
    all = 1;
    fmt++;
  }
  static tok toks[MAX_TOKENS];
  int ntok = 0;
  char err[256];
  if (parse_format(fmt, toks, &ntok, err, sizeof err) != 0) {
    fprintf(stderr, "vigil dump: %s\n", err);
    return 2;
  }
  size_t linecap = 1 << 20;
  char *line = malloc(linecap);
  if (!line) {
    fprintf(stderr, "vigil dump: out of memory\n");
    return 2;
  }
  int rc = 0;
  for (int i = first_file; i < argc; i++) {
    int r = dump_file(argv[i], toks, ntok, all, line, linecap);
    if (r > rc)
      rc = r;
  }
  free(line);
  fflush(stdout);
  return rc;
}
