/*
 * cmd_run.c - `vigil run [OPTIONS] (--rules PATH... | --pack PACK) [--]
 * EVENTS...` (cli.md): loads rule files with Falco's semantics and compiles
 * them to a pack in memory (or loads a pack), selects rules as Falco's
 * priority/tag/name options do, reads captures and JSON event files
 * through the host glue (plugin/run) and prints one alert per match in
 * Falco's text or JSON form. A summary goes to standard error at the end;
 * a progress line too, while standard error is a terminal.
 *
 * Without `--`, the arguments after --rules that are directories or end in
 * .yaml/.yml are rule files, anything else an event file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "back/pack_rules.h"
#include "cli/cmds.h"
#include "cli/cliopt.h"
#include "cli/packfile.h"
#include "json/json_source.h"
#include "run/run_host.h"
#include "sema/catalog.h"
#include "util/alloc.h"
#include "vigil/compiler.h"
#include "vigil/program.h"

typedef struct run_opts {
  vg_loadargs *la; /* the shared loading options (vg_cli) */
  const char *pack;
  const char **events;
  size_t nevents;
  bool json;
  int min_prio; /* -1: none */
  const char **en_tags, **dis_tags, **dis_rules;
  size_t nen_tags, ndis_tags, ndis_rules;
  bool all_events;
  bool first_match;
  bool inc_output, inc_tags, inc_message, inc_fields;
  bool iso_time;
  char *append_output; /* -o append_output=TEXT texts, for --pack */
  bool aout_structured; /* other -o append_output... forms given */
  const char *force_source;
  char *stdin_spool; /* standard input, spooled early to tell its source */
  bool in_rules;     /* the previous argument was --rules or a rule path */
  bool rules_given;
} run_opts;

enum {
  OPT_RULES = VG_OPT_CMD,
  OPT_PACK,
  OPT_MIN_PRIORITY,
  OPT_ENABLE_TAG,
  OPT_DISABLE_TAG,
  OPT_DISABLE_RULE,
  OPT_ALL_EVENTS = 'A'
};

static const vg_cliopt OPTS[] = {
    {"rules", OPT_RULES, true, "PATH...",
     "rule files (and the rule paths that follow)"},
    {"pack", OPT_PACK, true, "PACK", "a compiled pack instead of rules"},
    {"min-priority", OPT_MIN_PRIORITY, true, "P",
     "only rules at priority P or more severe"},
    {"enable-tag", OPT_ENABLE_TAG, true, "T",
     "only rules with one of these tags"},
    {"disable-tag", OPT_DISABLE_TAG, true, "T", "disable rules with this tag"},
    {"disable-rule", OPT_DISABLE_RULE, true, "NAME",
     "disable rules by name (* wildcards)"},
    {"all-events", OPT_ALL_EVENTS, false, NULL,
     "Falco's -A (replayed captures are evaluated\n"
     "whole either way)"},
    {NULL, VG_OPT_CONFIG, true, "KEY=VALUE",
     "Falco configuration: priority, rule_matching,\n"
     "json_output, json_include_*_property,\n"
     "time_format_iso_8601, append_output (Falco's\n"
     "syntax: append_output[]={match: {...},\n"
     "extra_output: ..., extra_fields: [...]},\n"
     "append_output[N].KEY=VALUE; vigil also takes\n"
     "append_output=TEXT, for every rule)"},
    {NULL, 0, false, NULL, NULL}};

static int on_opt(vg_cli *cli, int key, const char *arg);

static const vg_cli_cmd CMD = {
    "run", "[OPTIONS] (--rules PATH... | --pack PACK) [--] EVENTS...",
    "Evaluates rules over capture files (.scap, plain or gzip) and JSON\n"
    "event files (k8s audit, CloudTrail, ...; '-' = standard input) and\n"
    "prints one alert per match. Without '--', the arguments after --rules\n"
    "that end in .yaml/.yml or are directories are rule files.",
    VG_CLI_LOADING | VG_CLI_FORMAT, OPTS, on_opt};

static bool push(const char ***v, size_t *n, const char *s) {
  const char **nv = realloc((void *)*v, (*n + 1) * sizeof *nv);
  if (!nv)
    return false;
  nv[(*n)++] = s;
  *v = nv;
  return true;
}

static int parse_bool(const char *key, const char *v, bool *out) {
  if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes")) {
    *out = true;
    return 0;
  }
  if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no")) {
    *out = false;
    return 0;
  }
  return vg_cli_error(&CMD, "-o %s: expected true or false, got '%s'", key,
                      v);
}

/* -o KEY=VALUE with Falco's meaning. */
static int config_option(run_opts *o, vg_cli *cli, const char *kv) {
  const char *eq = strchr(kv, '=');
  if (!eq)
    return vg_cli_error(&CMD, "-o needs KEY=VALUE, got '%s'", kv);
  if (vg_aout_is_key(kv)) {
    /* applied when the rules are compiled; a pack has its outputs
     * compiled already: only the plain text form applies to it */
    if (vg_loadargs_config(o->la, "run", kv) < 0)
      return -1;
    if (strncmp(kv, "append_output=", 14) || eq[1] == '{') {
      o->aout_structured = true;
      return 0;
    }
  }
  size_t kl = (size_t)(eq - kv);
  char key[64];
  if (kl >= sizeof key)
    return vg_cli_error(&CMD, "unknown configuration key in -o '%s'", kv);
  memcpy(key, kv, kl);
  key[kl] = 0;
  const char *v = eq + 1;
  if (!strcmp(key, "priority")) {
    int p = vg_run_priority_parse(v);
    if (p < 0)
      return vg_cli_error(&CMD, "-o priority: invalid priority '%s'", v);
    o->min_prio = p;
    return 0;
  }
  if (!strcmp(key, "rule_matching")) {
    if (!strcmp(v, "first") || !strcmp(v, "all")) {
      o->first_match = !strcmp(v, "first");
      return 0;
    }
    return vg_cli_error(&CMD, "-o rule_matching must be first or all");
  }
  if (!strcmp(key, "json_output"))
    return parse_bool(key, v, &cli->json);
  if (!strcmp(key, "json_include_output_property"))
    return parse_bool(key, v, &o->inc_output);
  if (!strcmp(key, "json_include_tags_property"))
    return parse_bool(key, v, &o->inc_tags);
  if (!strcmp(key, "json_include_message_property"))
    return parse_bool(key, v, &o->inc_message);
  if (!strcmp(key, "json_include_output_fields_property"))
    return parse_bool(key, v, &o->inc_fields);
  if (!strcmp(key, "time_format_iso_8601"))
    return parse_bool(key, v, &o->iso_time);
  if (!strcmp(key, "buffered_outputs")) {
    bool ignored;
    return parse_bool(key, v, &ignored);
  }
  if (!strcmp(key, "append_output")) {
    /* the extra_output of an append_output entry matching every rule */
    size_t old = o->append_output ? strlen(o->append_output) : 0;
    size_t add = strlen(v);
    char *n = realloc(o->append_output, old + add + 2);
    if (!n)
      return -1;
    if (old)
      n[old++] = ' ';
    memcpy(n + old, v, add + 1);
    o->append_output = n;
    return 0;
  }
  return vg_cli_error(&CMD, "unknown configuration key in -o '%s'", kv);
}

static bool is_rules_path(const char *a) {
  size_t n = strlen(a);
  if ((n > 5 && !strcmp(a + n - 5, ".yaml")) ||
      (n > 4 && !strcmp(a + n - 4, ".yml")))
    return true;
  /* a directory of rule files */
  FILE *f = fopen(a, "r");
  if (!f)
    return false;
  char c;
  errno = 0;
  bool dir = fread(&c, 1, 1, f) == 0 && errno == EISDIR;
  fclose(f);
  return dir;
}

/* A handler's status after adding to a list: -1 when out of memory. */
static int added(bool ok) {
  if (ok)
    return 0;
  fprintf(stderr, "vigil run: out of memory\n");
  return -1;
}

static int on_opt(vg_cli *cli, int key, const char *arg) {
  run_opts *o = cli->ud;
  bool in_rules = o->in_rules;
  o->in_rules = false;
  switch (key) {
  case VG_CLI_ARG:
    if (in_rules && is_rules_path(arg)) {
      o->in_rules = true;
      return vg_loadargs_path(o->la, CMD.name, arg);
    }
    /* fall through */
  case VG_CLI_LITERAL:
    return added(push(&o->events, &o->nevents, arg));
  case OPT_RULES:
    o->in_rules = o->rules_given = true;
    return vg_loadargs_path(o->la, CMD.name, arg);
  case OPT_PACK:
    o->pack = arg;
    return 0;
  case OPT_MIN_PRIORITY:
    o->min_prio = vg_run_priority_parse(arg);
    if (o->min_prio < 0)
      return vg_cli_error(&CMD, "--min-priority: invalid priority '%s'", arg);
    return 0;
  case OPT_ENABLE_TAG:
    return added(push(&o->en_tags, &o->nen_tags, arg));
  case OPT_DISABLE_TAG:
    return added(push(&o->dis_tags, &o->ndis_tags, arg));
  case OPT_DISABLE_RULE:
    return added(push(&o->dis_rules, &o->ndis_rules, arg));
  case OPT_ALL_EVENTS:
    o->all_events = true;
    return 0;
  case VG_OPT_CONFIG:
    return config_option(o, cli, arg);
  case VG_OPT_SOURCE:
    o->force_source = arg;
    return VG_CLI_NEXT; /* and a source the engine knows */
  default:
    return VG_CLI_NEXT;
  }
}

/* Returns VG_CLI_GO to go on, or the exit status. */
static int parse_args(run_opts *o, vg_cli *cli, int argc, char **argv) {
  o->la = &cli->la; /* vg_cli_parse fills it; the handler adds to it */
  int rc = vg_cli_parse(cli, &CMD, o, argc, argv);
  if (rc != VG_CLI_GO)
    return rc;
  o->json = cli->json;
  rc = 2;
  if (o->rules_given == (o->pack != NULL))
    vg_cli_error(&CMD, "give either --rules PATH... or --pack PACK");
  else if (o->rules_given && !o->la->nfiles)
    vg_cli_error(&CMD, "--rules needs a rule file (.yaml, .yml or a "
                       "directory)");
  else if (!o->nevents)
    vg_cli_error(&CMD, "no EVENTS file given");
  else if (o->pack && o->aout_structured)
    vg_cli_error(&CMD, "a pack carries its compiled outputs: give "
                       "-o append_output[...] to 'vigil compile' (with "
                       "--pack only -o append_output=TEXT applies)");
  else
    rc = VG_CLI_GO;
  /* --source forces the event source only when it names one source */
  if (o->la->nsources != 1)
    o->force_source = NULL;
  return rc;
}

/* Prints each distinct diagnostic once: every file's result also repeats
 * what recompiling the earlier files found, as Falco's results do. */
static void print_diags(vigil_compiler *c, bool errors) {
  char **seen = NULL;
  size_t nseen = 0, cap = 0;
  for (size_t i = 0; i < vigil_compiler_nresults(c); i++) {
    const vigil_load_result *r = vigil_compiler_result(c, i);
    size_t n = errors ? r->nerrors : r->nwarnings;
    const vigil_diag *d = errors ? r->errors : r->warnings;
    for (size_t k = 0; k < n; k++) {
      char *t = NULL;
      if (vigil_diag_render_text(c, &d[k], &t) != VIGIL_OK)
        continue;
      bool dup = false;
      for (size_t j = 0; j < nseen && !dup; j++)
        dup = !strcmp(seen[j], t);
      if (dup) {
        free(t);
        continue;
      }
      fputs(t, stderr);
      if (nseen == cap) {
        size_t nc = cap ? cap * 2 : 64;
        char **ns = realloc(seen, nc * sizeof *ns);
        if (!ns) {
          free(t);
          continue;
        }
        seen = ns;
        cap = nc;
      }
      seen[nseen++] = t;
    }
  }
  for (size_t j = 0; j < nseen; j++)
    free(seen[j]);
  free(seen);
}

static char *spool_stdin(void);

/* The event source of one input file: forced, JSON recognised from its
 * first event, or syscall (a capture). NULL when it cannot be told now
 * (unreadable or empty files: reading reports those). Standard input is
 * spooled here so its content can be looked at twice. */
static const char *input_source(run_opts *o, const char *path) {
  if (o->force_source)
    return o->force_source;
  if (!strcmp(path, "-")) {
    if (!o->stdin_spool)
      o->stdin_spool = spool_stdin();
    if (!o->stdin_spool)
      return NULL;
    path = o->stdin_spool;
  }
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  unsigned char head[4096];
  size_t n = fread(head, 1, sizeof head, f);
  fclose(f);
  bool gz = n >= 2 && head[0] == 0x1f && head[1] == 0x8b;
  if (!gz && !vg_json_sniff(head, n))
    return n ? "syscall" : NULL;
  vg_json_reader *r = NULL;
  char err[256];
  if (vg_json_reader_open_file(path, NULL, &r, err, sizeof err) != VIGIL_OK)
    return gz ? "syscall" : NULL;
  vg_json_event *ev = NULL;
  const char *src = NULL;
  if (vg_json_reader_next(r, &ev) == VIGIL_OK && ev)
    src = vg_json_src_name(ev->src);
  else if (gz)
    src = "syscall"; /* a gzip capture, not JSON */
  vg_json_reader_free(r);
  return src && *src ? src : NULL;
}

/* The source an input is read as: Falco reads every input with the
 * source plugin it is set up with, so a JSON input whose content names no
 * known source goes to the one plugin event source of the rules (when
 * there is exactly one and no rule reads plain JSON), whose reader then
 * rejects what it does not recognise, as the plugin does. NULL: recognise
 * it from the content. */
static const char *reading_source(run_opts *o, const vigil_program *p,
                                  const char *path) {
  if (o->force_source)
    return o->force_source;
  const char *only = NULL;
  for (size_t r = 0; r < vigil_program_nrules(p); r++) {
    vigil_rule_info ri;
    vigil_program_rule(p, r, &ri);
    if (!ri.source || !strcmp(ri.source, "syscall"))
      continue;
    if (!strcmp(ri.source, "json") ||
        vg_json_src_from_name(ri.source) == VG_JSRC_NONE ||
        (only && strcmp(only, ri.source) != 0))
      return NULL;
    only = ri.source;
  }
  if (!only) /* syscall rules only: nothing to look at */
    return NULL;
  const char *src = input_source(o, path);
  return src && !strcmp(src, "json") ? only : NULL;
}

/* Without --no-plugins the compiler loads the plugins the rules require
 * (compiler.h auto_plugins); a Falco set up to read these inputs also has
 * each input's source plugin (and the json plugin for JSON payloads), so
 * add those. */
static bool add_input_plugins(run_opts *o) {
  if (o->la->no_plugins)
    return true;
  for (size_t i = 0; i < o->nevents; i++) {
    const char *src = input_source(o, o->events[i]);
    if (!src || !strcmp(src, "syscall"))
      continue;
    const vg_plugin_def *pd = vg_plugin_for_source(src);
    const char *names[2] = {pd ? pd->name : NULL, "json"};
    for (size_t k = 0; k < 2; k++) {
      if (!names[k])
        continue;
      bool have = false;
      for (size_t j = 0; j < o->la->nplugins && !have; j++)
        have = !strcmp(o->la->plugins[j].name, names[k]);
      if (have)
        continue;
      if (vg_loadargs_plugin(o->la, names[k]) < 0)
        return false;
    }
  }
  return true;
}

/* Loads and compiles the rule files; returns the exit status on failure
 * (and 0 with *bytes set on success). */
static int compile_rules(run_opts *o, uint8_t **bytes, size_t *len) {
  if (!add_input_plugins(o)) {
    fprintf(stderr, "vigil run: out of memory\n");
    return 2;
  }
  vigil_compiler_options co = VIGIL_COMPILER_OPTIONS_INIT;
  vg_loadargs_options(o->la, &co);
  vigil_compiler *c;
  if (vigil_compiler_new(&co, &c) != VIGIL_OK) {
    fprintf(stderr, "vigil run: out of memory\n");
    return 2;
  }
  for (size_t i = 0; i < o->la->nfiles; i++) {
    vigil_status st = vigil_compiler_load_file(c, o->la->files[i]);
    if (st == VIGIL_E_IO || st == VIGIL_E_NOMEM) {
      fprintf(stderr, "vigil run: %s: %s\n", o->la->files[i],
              st == VIGIL_E_IO ? "cannot read" : "out of memory");
      vigil_compiler_free(c);
      return 2;
    }
  }
  vigil_compiler_finish(c);
  size_t nerr = 0;
  for (size_t i = 0; i < vigil_compiler_nresults(c); i++)
    nerr += vigil_compiler_result(c, i)->nerrors;
  if (nerr) {
    print_diags(c, true);
    fprintf(stderr, "vigil run: rules have errors\n");
    vigil_compiler_free(c);
    return 1;
  }
  print_diags(c, false);
  size_t nrules = 0;
  char err[1024] = "";
  /* loaded right away: no need to compress it */
  vigil_status st = vg_pack_rules_ex(c, true, false, bytes, len, &nrules,
                                     err, sizeof err);
  vigil_compiler_free(c);
  if (st != VIGIL_OK) {
    fprintf(stderr, "vigil run: %s\n", err[0] ? err : vigil_status_str(st));
    return st == VIGIL_E_NOMEM ? 2 : 1;
  }
  return 0;
}

static bool rule_has_tag(const vigil_program *p, size_t r, size_t ntags,
                         const char **tags, size_t n) {
  for (size_t i = 0; i < ntags; i++) {
    const char *t = vigil_program_rule_tag(p, r, i);
    for (size_t k = 0; k < n; k++)
      if (t && !strcmp(t, tags[k]))
        return true;
  }
  return false;
}

/* Falco's rule selection: priority threshold, then tags, then names. */
static void select_rules(run_opts *o, const vigil_program *p,
                         vg_run_host *h) {
  size_t n = vigil_program_nrules(p);
  for (size_t r = 0; r < n; r++) {
    vigil_rule_info ri;
    vigil_program_rule(p, r, &ri);
    bool on = vg_run_host_selected(h, r);
    if (o->nen_tags)
      on = rule_has_tag(p, r, ri.ntags, o->en_tags, o->nen_tags);
    if (o->ndis_tags && rule_has_tag(p, r, ri.ntags, o->dis_tags,
                                     o->ndis_tags))
      on = false;
    for (size_t k = 0; k < o->ndis_rules; k++)
      if (vg_run_wildcard(o->dis_rules[k], ri.name))
        on = false;
    if (o->min_prio >= 0 && ri.priority > (unsigned)o->min_prio)
      on = false;
    vg_run_host_select(h, r, on);
  }
}

/* Falco's time prefix: local HH:MM:SS.nnnnnnnnn, or ISO 8601 in UTC. */
static void format_time(char *b, size_t n, uint64_t ts, bool iso,
                        long tzoff) {
  time_t sec = (time_t)(ts / 1000000000u);
  unsigned ns = (unsigned)(ts % 1000000000u);
  struct tm tm;
  if (iso) {
    gmtime_r(&sec, &tm);
    snprintf(b, n, "%04d-%02d-%02dT%02d:%02d:%02d.%09u+0000",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, ns);
  } else {
    long s = (long)(((int64_t)(ts / 1000000000u) + tzoff) % 86400);
    if (s < 0)
      s += 86400;
    snprintf(b, n, "%02ld:%02ld:%02ld.%09u", s / 3600, (s % 3600) / 60,
             s % 60, ns);
  }
}

static void format_json_time(char *b, size_t n, uint64_t ts) {
  time_t sec = (time_t)(ts / 1000000000u);
  struct tm tm;
  gmtime_r(&sec, &tm);
  snprintf(b, n, "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ", tm.tm_year + 1900,
           tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
           (unsigned)(ts % 1000000000u));
}

static long local_offset(void) {
  time_t now = time(NULL);
  struct tm g, l;
  gmtime_r(&now, &g);
  localtime_r(&now, &l);
  long dt = (long)(l.tm_hour - g.tm_hour) * 3600 +
            (long)(l.tm_min - g.tm_min) * 60;
  int dir = l.tm_year - g.tm_year;
  if (dir == 0)
    dir = l.tm_yday - g.tm_yday;
  return dt + (long)dir * 86400;
}

typedef struct run_stats {
  uint64_t events, alerts;
  uint64_t *per_rule;
  uint64_t per_prio[8];
} run_stats;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Standard input is spooled to a temporary file, so its content can be
 * sniffed and read like any other event file. */
static char *spool_stdin(void) {
  const char *dir = getenv("TMPDIR");
  char *path = malloc(4096);
  if (!path)
    return NULL;
  snprintf(path, 4096, "%s/vigil-run-XXXXXX", dir && *dir ? dir : "/tmp");
  int fd = mkstemp(path);
  if (fd < 0) {
    free(path);
    return NULL;
  }
  FILE *f = fdopen(fd, "wb");
  if (!f) {
    close(fd);
    unlink(path);
    free(path);
    return NULL;
  }
  char buf[65536];
  size_t n;
  bool ok = true;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
    ok = ok && fwrite(buf, 1, n, f) == n;
  ok = !ferror(stdin) && ok;
  ok = fclose(f) == 0 && ok;
  if (!ok) {
    unlink(path);
    free(path);
    return NULL;
  }
  return path;
}

static void emit_alert(run_opts *o, vg_run_host *h, const vigil_program *p,
                       size_t rule, const vg_run_result *res,
                       const char *host, long tzoff, vg_run_buf *line,
                       vg_run_buf *full) {
  vigil_rule_info ri;
  vigil_program_rule(p, rule, &ri);
  const char *text = "", *fields = NULL;
  vg_run_host_render(h, rule, &text, o->json ? &fields : NULL);
  char tb[64];
  format_time(tb, sizeof tb, res->ts, o->iso_time, tzoff);
  const char *pn = vg_run_priority_name(ri.priority);
  line->len = 0;
  if (!o->json) {
    vg_run_buf_puts(line, tb);
    vg_run_buf_puts(line, ": ");
    vg_run_buf_puts(line, pn);
    vg_run_buf_puts(line, " ");
    vg_run_buf_puts(line, text);
    vg_run_buf_puts(line, "\n");
    fwrite(line->p, 1, line->len, stdout);
    return;
  }
  /* keys in the order Falco's JSON writer prints them (sorted) */
  full->len = 0;
  vg_run_buf_puts(full, tb);
  vg_run_buf_puts(full, ": ");
  vg_run_buf_puts(full, pn);
  vg_run_buf_puts(full, " ");
  vg_run_buf_puts(full, text);
  vg_run_buf_puts(line, "{\"hostname\":");
  vg_run_buf_json_str(line, host, strlen(host));
  if (o->inc_message) {
    vg_run_buf_puts(line, ",\"message\":");
    vg_run_buf_json_str(line, text, strlen(text));
  }
  if (o->inc_output) {
    vg_run_buf_puts(line, ",\"output\":");
    vg_run_buf_json_str(line, full->p ? full->p : "", full->len);
  }
  if (o->inc_fields) {
    vg_run_buf_puts(line, ",\"output_fields\":");
    vg_run_buf_puts(line, fields ? fields : "{}");
  }
  vg_run_buf_puts(line, ",\"priority\":");
  vg_run_buf_json_str(line, pn, strlen(pn));
  vg_run_buf_puts(line, ",\"rule\":");
  vg_run_buf_json_str(line, ri.name, strlen(ri.name));
  vg_run_buf_puts(line, ",\"source\":");
  vg_run_buf_json_str(line, ri.source, strlen(ri.source));
  if (o->inc_tags) {
    vg_run_buf_puts(line, ",\"tags\":[");
    for (size_t i = 0; i < ri.ntags; i++) {
      const char *t = vigil_program_rule_tag(p, rule, i);
      if (i)
        vg_run_buf_puts(line, ",");
      vg_run_buf_json_str(line, t ? t : "", t ? strlen(t) : 0);
    }
    vg_run_buf_puts(line, "]");
  }
  char jt[64];
  format_json_time(jt, sizeof jt, res->ts);
  vg_run_buf_puts(line, ",\"time\":");
  vg_run_buf_json_str(line, jt, strlen(jt));
  vg_run_buf_puts(line, "}\n");
  fwrite(line->p, 1, line->len, stdout);
}

static void print_summary(const vigil_program *p, vg_run_host *h,
                          const run_stats *s, double secs) {
  size_t n = vigil_program_nrules(p);
  fprintf(stderr, "Events read: %llu\n", (unsigned long long)s->events);
  fprintf(stderr, "Rules loaded: %zu (%zu enabled)\n", n,
          vg_run_host_nselected(h));
  fprintf(stderr, "Events detected: %llu\n", (unsigned long long)s->alerts);
  if (s->alerts) {
    fprintf(stderr, "Rule counts by severity:\n");
    for (unsigned i = 0; i < 8; i++)
      if (s->per_prio[i]) {
        char up[32];
        const char *nm = vg_run_priority_name(i);
        size_t k = 0;
        for (; nm[k] && k + 1 < sizeof up; k++)
          up[k] = (char)(nm[k] >= 'a' && nm[k] <= 'z' ? nm[k] - 32 : nm[k]);
        up[k] = 0;
        fprintf(stderr, "   %s: %llu\n", up,
                (unsigned long long)s->per_prio[i]);
      }
    fprintf(stderr, "Triggered rules by rule name:\n");
    for (size_t r = 0; r < n; r++)
      if (s->per_rule[r]) {
        vigil_rule_info ri;
        vigil_program_rule(p, r, &ri);
        fprintf(stderr, "   %s: %llu\n", ri.name,
                (unsigned long long)s->per_rule[r]);
      }
  }
  if (vg_run_host_skipped(h))
    fprintf(stderr, "Events dropped as the source plugin would: %llu\n",
            (unsigned long long)vg_run_host_skipped(h));
  fprintf(stderr, "Elapsed time: %.3f s, %.0f events/s\n", secs,
          secs > 0 ? (double)s->events / secs : 0.0);
}

static int run_events(run_opts *o, const vigil_program *p, vg_run_host *h) {
  int rc = 0;
  run_stats s;
  memset(&s, 0, sizeof s);
  size_t nrules = vigil_program_nrules(p);
  s.per_rule = calloc(nrules ? nrules : 1, sizeof *s.per_rule);
  if (!s.per_rule) {
    fprintf(stderr, "vigil run: out of memory\n");
    return 2;
  }
  char host[256] = "";
  const char *env = getenv("FALCO_HOSTNAME");
  if (env && *env)
    snprintf(host, sizeof host, "%s", env);
  else if (gethostname(host, sizeof host - 1) != 0)
    host[0] = 0;
  long tzoff = local_offset();
  bool tty = isatty(2);
  double t0 = now_s(), last = t0;
  vg_run_buf line = {0}, full = {0};
  for (size_t i = 0; i < o->nevents; i++) {
    const char *path = o->events[i];
    char *spooled = NULL;
    if (!strcmp(path, "-") && o->stdin_spool) {
      path = o->stdin_spool;
    } else if (!strcmp(path, "-")) {
      spooled = spool_stdin();
      if (!spooled) {
        fprintf(stderr, "vigil run: cannot read standard input\n");
        rc = 2;
        continue;
      }
      path = spooled;
    }
    char err[700] = "";
    vigil_status st = vg_run_host_open(h, path, reading_source(o, p, path),
                                       err, sizeof err);
    if (st != VIGIL_OK) {
      fprintf(stderr, "vigil run: %s: %s\n", o->events[i],
              err[0] ? err : vigil_status_str(st));
      rc = 2;
    }
    while (st == VIGIL_OK) {
      vg_run_result res;
      st = vg_run_host_next(h, &res);
      if (st != VIGIL_OK) {
        fprintf(stderr, "vigil run: %s: %s\n", o->events[i],
                vg_run_host_error(h));
        rc = 2;
        if (st == VIGIL_E_SYNTAX && vg_run_host_is_json(h)) {
          st = VIGIL_OK; /* JSON lines go on with the next line */
          continue;
        }
        break;
      }
      if (res.eof)
        break;
      s.events++;
      for (size_t k = 0; k < res.nhits; k++) {
        uint32_t r = res.hits[k];
        vigil_rule_info ri;
        vigil_program_rule(p, r, &ri);
        s.per_rule[r]++;
        s.per_prio[ri.priority < 8 ? ri.priority : 7]++;
        s.alerts++;
        emit_alert(o, h, p, r, &res, host, tzoff, &line, &full);
      }
      if (tty && (s.events & 0xffff) == 0) {
        double t = now_s();
        if (t - last >= 1.0) {
          fprintf(stderr, "\r%llu events, %llu alerts",
                  (unsigned long long)s.events,
                  (unsigned long long)s.alerts);
          last = t;
        }
      }
    }
    if (*vg_run_host_note(h)) /* the source plugin logs what it drops */
      fprintf(stderr, "vigil run: %s\n", vg_run_host_note(h));
    vg_run_host_close(h);
    if (spooled) {
      unlink(spooled);
      free(spooled);
    }
  }
  if (tty && last != t0)
    fprintf(stderr, "\r\033[K");
  if (fflush(stdout) != 0) {
    fprintf(stderr, "vigil run: write error\n");
    rc = 2;
  }
  print_summary(p, h, &s, now_s() - t0);
  vg_run_buf_fini(&line);
  vg_run_buf_fini(&full);
  free(s.per_rule);
  return rc;
}

int vg_cmd_run(int argc, char **argv) {
  run_opts o;
  memset(&o, 0, sizeof o);
  o.min_prio = -1;
  o.first_match = true;
  o.inc_output = o.inc_tags = o.inc_fields = true;
  int rc = 2;
  uint8_t *bytes = NULL;
  size_t len = 0;
  vigil_program *p = NULL;
  vg_run_host *h = NULL;
  vg_cli cli;
  rc = parse_args(&o, &cli, argc, argv);
  if (rc != VG_CLI_GO)
    goto out;
  rc = 2;
  if (o.pack) {
    bytes = vg_cli_read_file("run", o.pack, &len);
    if (!bytes)
      goto out;
  } else {
    rc = compile_rules(&o, &bytes, &len);
    if (rc != 0)
      goto out;
    rc = 2;
  }
  h = vg_run_host_new();
  if (!h) {
    fprintf(stderr, "vigil run: out of memory\n");
    goto out;
  }
  char err[1024] = "";
  vigil_status st = vigil_program_load(bytes, len, vg_run_host_binder, h, &p,
                                       err, sizeof err);
  if (st != VIGIL_OK) {
    fprintf(stderr, "vigil run: %s: %s\n", o.pack ? o.pack : "rules",
            err[0] ? err : vigil_status_str(st));
    goto out;
  }
  st = vg_run_host_attach(h, p, o.pack ? o.append_output : NULL, err,
                          sizeof err);
  if (st != VIGIL_OK) {
    fprintf(stderr, "vigil run: %s\n", err[0] ? err : vigil_status_str(st));
    goto out;
  }
  size_t it = 0, nun = 0;
  for (const char *f; (f = vg_run_host_unprovided(h, &it)); nun++)
    fprintf(stderr, "%s'%s'",
            nun ? ", " : "vigil run: warning: fields no extractor provides "
                         "(they never have a value): ",
            f);
  if (nun)
    fputc('\n', stderr);
  vg_run_host_time_iso(h, o.iso_time);
  select_rules(&o, p, h);
  st = vg_run_host_prepare(h, o.first_match);
  if (st != VIGIL_OK) {
    fprintf(stderr, "vigil run: %s\n", vigil_status_str(st));
    goto out;
  }
  /* Falco applies its base syscall set (without -A: minus high-volume
   * I/O calls) only to live captures: open_savefile takes no syscall set,
   * so a replayed capture is evaluated whole with or without -A. */
  (void)o.all_events;
  rc = run_events(&o, p, h);
out:
  vg_run_host_free(h);
  vigil_program_free(p);
  vg_free(bytes);
  vg_cli_fini(&cli);
  free((void *)o.events);
  free((void *)o.en_tags);
  free((void *)o.dis_tags);
  free((void *)o.dis_rules);
  free(o.append_output);
  if (o.stdin_spool) {
    unlink(o.stdin_spool);
    free(o.stdin_spool);
  }
  return rc;
}
