/*
 * yaml.h - the rules-file YAML reader (owned by the loader work). Reads a
 * whole buffer with libyaml into a small node tree that keeps, for every
 * node, libyaml's 0-based start mark (line, column, byte offset) and, for
 * scalars, a per-byte map from the decoded text back to file offsets so
 * diagnostics inside folded/literal conditions hit the right column.
 *
 * Scalars are read the way Falco's YAML library (yaml-cpp) reads them:
 * plain "", "~", "null", "Null", "NULL" are null; every other scalar is its
 * text. All documents of the stream are loaded first, as Falco does, so a
 * syntax error anywhere means no document is processed; like yaml-cpp's
 * LoadAll, loading stops after the first null (empty) document.
 *
 * Everything lives in the arena passed to vg_yaml_load.
 */
#ifndef VG_LOAD_YAML_H
#define VG_LOAD_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "vigil/status.h"

typedef enum vg_ykind { VG_Y_NULL, VG_Y_SCALAR, VG_Y_SEQ, VG_Y_MAP } vg_ykind;

typedef struct vg_ymark {
  uint32_t line, col, off; /* 0-based, as libyaml/yaml-cpp report them */
} vg_ymark;

typedef struct vg_ynode vg_ynode;
struct vg_ynode {
  vg_ykind kind;
  vg_ymark mark;    /* start mark */
  uint32_t end_off; /* byte offset just past the node in the file */
  /* scalars (and nulls): decoded text, NUL-terminated */
  const char *str;
  size_t len;
  int style; /* libyaml yaml_scalar_style_t */
  /* file offset of each byte of str (len + 1 entries: the last one is the
   * offset after the last byte); NULL when escapes made mapping impossible */
  const uint32_t *omap;
  /* sequences: kids[0..n); mappings: kids[2i] key, kids[2i+1] value */
  vg_ynode **kids;
  size_t n;
};

typedef struct vg_ydocs {
  vg_ynode **docs; /* root of each document; NULL entry for an empty one */
  size_t n;
} vg_ydocs;

typedef struct vg_yerror {
  char
      msg[256]; /* yaml-cpp style: "yaml-cpp: error at line L, column C: ..." */
  vg_ymark mark;
} vg_yerror;

/* Limit on hostile input: nesting depth (flow nesting is checked before
 * libyaml, whose scanner is quadratic in it). Aliases are converted once
 * and shared; the passes that walk values have their own budgets. */
#define VG_YAML_MAX_DEPTH 1000
#define VG_STR_(x) #x
#define VG_STR(x) VG_STR_(x)

/*
 * Loads every document of buf[0..len). VIGIL_E_SYNTAX with *err filled on
 * malformed YAML; VIGIL_E_NOMEM. Nodes live in arena a.
 */
vigil_status vg_yaml_load(vg_arena *a, const char *buf, size_t len,
                          vg_ydocs *out, vg_yerror *err);

/* Mapping lookup of a string key (first match), NULL when absent. */
vg_ynode *vg_ymap_get(const vg_ynode *map, const char *key);
bool vg_ynode_is_null(const vg_ynode *n);
/* yaml-cpp boolean spellings (rules-language.md 2.2). */
bool vg_yaml_bool(const char *s, bool *out);
/* Unsigned 32-bit decimal (or 0x hex) integer. */
bool vg_yaml_u32(const char *s, uint32_t *out);

#endif
