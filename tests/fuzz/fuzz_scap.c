/*
 * fuzz_scap.c - fuzz entry for the capture side (plugin/sources and
 * plugin/fields, owned by scap): the input is read as a capture (plain or
 * gzip) by the scap reader, every item feeds the syscall state, and every
 * shown event goes through every syscall field extractor (typed and
 * rendered), with the usual arguments. Nothing may crash, hang, leak or
 * print. The field names come from plugin/fields/data/syscall.fields,
 * read once (VG_FUZZ_SYSCALL_FIELDS is its path, set by CMake).
 * tests/fuzz/replay_main.c replays seeds/scap/ with it under gcc.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields/syscall_fields.h"
#include "sources/scap.h"
#include "sources/sysstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_REFS 1024
#define MAX_EVENTS 64

/* Argument forms tried on every field (only those that parse are kept). */
static const char *const SUFFIXES[] = {
    "",       "[0]",     "[1]",     "[3]",      ".fd",      ".res",
    ".name",  ".flags",  ".open",   ".1",       "[HOME]",   ".cpuacct",
    ".src",   ".dst",    "[1000]",  "[PATH]",   "[-1]",     ".data",
};

static vg_sysf_ref refs[MAX_REFS];
static size_t nrefs;
static int loaded;

static void load_fields(void) {
  loaded = 1;
  FILE *f = fopen(VG_FUZZ_SYSCALL_FIELDS, "r");
  if (!f)
    return;
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || line[0] == '\n')
      continue;
    char *tab = strchr(line, '\t');
    if (!tab)
      continue;
    *tab = 0;
    for (size_t k = 0; k < sizeof SUFFIXES / sizeof SUFFIXES[0]; k++) {
      char name[256];
      snprintf(name, sizeof name, "%s%s", line, SUFFIXES[k]);
      size_t used = 0;
      vg_sysf_ref r;
      if (nrefs < MAX_REFS && vg_sysf_parse(name, &r, &used) == VIGIL_OK &&
          used == strlen(name))
        refs[nrefs++] = r;
    }
  }
  fclose(f);
}

static vg_value vals[64];
static uint8_t scratch[8192];
static char text[8192];

static void extract_all(const vg_sys_accessor *a) {
  for (size_t i = 0; i < nrefs; i++) {
    size_t n = 0, used = 0;
    (void)vg_sysf_extract(a, &refs[i], vals, 64, &n, scratch, sizeof scratch,
                          &used);
    /* small storage must be reported as a limit, not overrun */
    (void)vg_sysf_extract(a, &refs[i], vals, 1, &n, scratch, 16, &used);
    (void)vg_sysf_render(a, &refs[i], text, sizeof text);
    (void)vg_sysf_render(a, &refs[i], text, 4);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!loaded)
    load_fields();
  if (size > (1u << 20))
    return 0;
  vg_scap *r = NULL;
  char err[256];
  if (vg_scap_open_mem(data, size, &r, err, sizeof err) != VIGIL_OK)
    return 0;
  vg_sysstate *s = NULL;
  if (vg_sys_new(&s) != VIGIL_OK) {
    vg_scap_close(r);
    return 0;
  }
  vg_sys_accessor acc;
  vg_sys_accessor_for_state(&acc, s);
  uint64_t num = 0;
  for (int i = 0; i < 4096; i++) {
    vg_scap_item it;
    if (vg_scap_next(r, &it) != VIGIL_OK) {
      (void)vg_scap_error(r);
      break;
    }
    if (it.kind == VG_SCAP_EOF)
      break;
    if (it.kind != VG_SCAP_EVENT) {
      if (vg_sys_item(s, &it) != VIGIL_OK)
        break;
      continue;
    }
    int shown = 0;
    if (vg_sys_event(s, it.u.evt, ++num, &shown) != VIGIL_OK)
      break;
    if (shown && num <= MAX_EVENTS)
      extract_all(&acc);
  }
  vg_sys_free(s);
  vg_scap_close(r);
  return 0;
}
