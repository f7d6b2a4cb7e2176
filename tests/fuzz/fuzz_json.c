/*
 * fuzz_json.c - fuzz entry for the JSON event sources (plugin/json, owned
 * by jsonsrc): the input's first byte picks the source (forced or
 * recognised) and a small document-size limit, the rest is read as an
 * event stream; every event then goes through every field extractor that
 * applies to its source, with and without an argument. The reader and the
 * extractors must never crash, hang, leak or print, whatever the bytes.
 * tests/fuzz/replay_main.c replays seeds/json/ with it under gcc.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json/json_fields.h"
#include "json/json_source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Arguments tried on fields that take one: indexes and keys. */
static const char *const IDX_ARGS[] = {"0", "1", "3", "18446744073709551615"};
static const char *const KEY_ARGS[] = {"name", "a.b", "path", "0", ""};

static vg_value vals[512];
static uint8_t scratch[1 << 16];

static void extract_one(const vg_json_event *ev, int id,
                        const vg_json_arg *arg) {
  vg_json_out o = {vals, sizeof vals / sizeof vals[0], 0, scratch,
                   sizeof scratch, 0};
  (void)vg_json_extract(ev, id, arg, &o);
  /* a too-small buffer must be reported, not overrun */
  vg_json_out small = {vals, 1, 0, scratch, 8, 0};
  (void)vg_json_extract(ev, id, arg, &small);
}

static void extract_all(const vg_json_event *ev) {
  size_t nf = vg_json_field_count();
  for (size_t i = 0; i < nf; i++) {
    const vg_json_field_info *fi = vg_json_field_info_get((int)i);
    if (!fi || !vg_json_field_applies((int)i, ev->src))
      continue;
    vg_json_arg arg;
    memset(&arg, 0, sizeof arg);
    if (fi->arg == VG_JARG_NONE || fi->arg == VG_JARG_OPT_INDEX ||
        fi->arg == VG_JARG_OPT_KEY)
      extract_one(ev, (int)i, NULL);
    if (fi->arg == VG_JARG_OPT_INDEX || fi->arg == VG_JARG_REQ_INDEX) {
      for (size_t k = 0; k < sizeof IDX_ARGS / sizeof IDX_ARGS[0]; k++) {
        arg.present = true;
        arg.key = IDX_ARGS[k];
        arg.key_len = strlen(IDX_ARGS[k]);
        arg.index = strtoull(IDX_ARGS[k], NULL, 10);
        extract_one(ev, (int)i, &arg);
      }
    }
    if (fi->arg == VG_JARG_OPT_KEY || fi->arg == VG_JARG_REQ_KEY) {
      for (size_t k = 0; k < sizeof KEY_ARGS / sizeof KEY_ARGS[0]; k++) {
        arg.present = true;
        arg.key = KEY_ARGS[k];
        arg.key_len = strlen(KEY_ARGS[k]);
        arg.index = UINT64_MAX;
        extract_one(ev, (int)i, &arg);
      }
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > (1u << 20))
    return 0;
  uint8_t sel = data[0];
  vg_json_reader_opts o;
  memset(&o, 0, sizeof o);
  o.force = (vg_json_src)(sel % VG_JSRC__COUNT); /* 0: recognise */
  o.max_doc = (sel & 0x80) ? 256 : 0;
  o.k8s_max_event = (sel & 0x40) ? 64 : 0;
  vg_json_reader *r = NULL;
  if (vg_json_reader_open_mem(data + 1, size - 1, "fuzz", &o, &r) !=
      VIGIL_OK)
    return 0;
  /* JSON lines go on after a bad line: bound the number of rounds so a
   * reader that never advances shows up as a hang, not as a long run */
  for (int i = 0; i < 64; i++) {
    vg_json_event *ev = NULL;
    vigil_status st = vg_json_reader_next(r, &ev);
    (void)vg_json_reader_error(r);
    (void)vg_json_reader_note(r);
    if (st == VIGIL_OK && !ev)
      break;
    if (ev)
      extract_all(ev);
  }
  vg_json_reader_free(r);
  return 0;
}
