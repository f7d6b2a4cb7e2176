/*
 * json_dump.c - vg_json_dump_fields, a debugging aid: prints chosen fields
 * of every event of a JSON event file (see json_fields.h). It is a caller of
 * the public reader/extractor API like any other and may allocate.
 */
#include <stdlib.h>
#include <string.h>

#include "json/json_fields.h"

static void print_value(FILE *out, const vg_value *v) {
  if (v->type == VG_FT_UINT64)
    fprintf(out, "%llu", (unsigned long long)v->v.u);
  else
    fwrite(v->v.s.p, 1, v->v.s.n, out);
}

int vg_json_dump_fields(FILE *out, const char *path, const char *source,
                        const char *const *fields, size_t n) {
  int rc = 0;
  char err[256];
  int *ids = calloc(n ? n : 1, sizeof *ids);
  vg_json_arg *args = calloc(n ? n : 1, sizeof *args);
  vg_json_out o = {NULL, 16, 0, NULL, 4096, 0};
  vg_json_reader *r = NULL;
  vg_json_reader_opts opts = {VG_JSRC_NONE, 0, 0};
  o.vals = malloc(o.cap * sizeof *o.vals);
  o.buf = malloc(o.bufcap);
  if (!ids || !args || !o.vals || !o.buf) {
    fprintf(out, "error: out of memory\n");
    rc = 2;
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    if (vg_json_field_parse(fields[i], &ids[i], &args[i], err, sizeof err) !=
        VIGIL_OK) {
      fprintf(out, "error: %s\n", err);
      rc = 2;
      goto done;
    }
  }
  if (source && *source) {
    opts.force = vg_json_src_from_name(source);
    if (opts.force == VG_JSRC_NONE) {
      fprintf(out, "error: unknown JSON event source '%s'\n", source);
      rc = 2;
      goto done;
    }
  }
  if (vg_json_reader_open_file(path, &opts, &r, err, sizeof err) != VIGIL_OK) {
    fprintf(out, "error: %s\n", err);
    rc = 2;
    goto done;
  }
  for (;;) {
    vg_json_event *ev;
    vigil_status st = vg_json_reader_next(r, &ev);
    if (st != VIGIL_OK) {
      fprintf(out, "error: %s\n", vg_json_reader_error(r));
      rc = 1;
      if (vg_json_reader_lines_mode(r))
        continue;
      break;
    }
    if (!ev)
      break;
    fprintf(out, "#%llu %s", (unsigned long long)ev->num,
            vg_json_src_name(ev->src));
    for (size_t i = 0; i < n; i++) {
      for (;;) {
        st = vg_json_extract(ev, ids[i], &args[i], &o);
        if (st != VIGIL_E_LIMIT)
          break;
        if (o.n > o.cap) {
          vg_value *nv = realloc(o.vals, o.n * sizeof *nv);
          if (!nv)
            break;
          o.vals = nv;
          o.cap = o.n;
        }
        if (o.used > o.bufcap) {
          uint8_t *nb = realloc(o.buf, o.used);
          if (!nb)
            break;
          o.buf = nb;
          o.bufcap = o.used;
        }
      }
      fprintf(out, " %s=", fields[i]);
      if (st != VIGIL_OK || o.n == 0) {
        fputs("<NA>", out);
        continue;
      }
      const vg_json_field_info *f = vg_json_field_info_get(ids[i]);
      if (f->is_list)
        fputc('(', out);
      for (size_t j = 0; j < o.n; j++) {
        if (j)
          fputc(',', out);
        print_value(out, &o.vals[j]);
      }
      if (f->is_list)
        fputc(')', out);
    }
    fputc('\n', out);
  }
  if (vg_json_reader_skipped(r))
    fprintf(out, "skipped %llu event(s); last: %s\n",
            (unsigned long long)vg_json_reader_skipped(r),
            vg_json_reader_note(r));
done:
  vg_json_reader_free(r);
  free(o.vals);
  free(o.buf);
  free(ids);
  free(args);
  return rc;
}
