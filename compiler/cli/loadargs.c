/*
 * loadargs.c - shared rule-loading arguments of the CLI (see loadargs.h).
 */
#include "cli/loadargs.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool push(void ***v, size_t *n, void *p) {
  void **nv = realloc(*v, (*n + 1) * sizeof *nv);
  if (!nv)
    return false;
  nv[(*n)++] = p;
  *v = nv;
  return true;
}

static bool has_yaml_ext(const char *p) {
  size_t n = strlen(p);
  return (n >= 5 && !strcmp(p + n - 5, ".yaml")) ||
         (n >= 4 && !strcmp(p + n - 4, ".yml"));
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *const KNOWN_KEYS[] = {"priority",
                                         "rule_matching",
                                         "json_output",
                                         "json_include_output_property",
                                         "json_include_tags_property",
                                         "json_include_message_property",
                                         "json_include_output_fields_property",
                                         "time_format_iso_8601",
                                         "append_output",
                                         "buffered_outputs",
                                         NULL};

int vg_loadargs_source(vg_loadargs *la, const char *name) {
  return push((void ***)&la->sources, &la->nsources, (void *)name) ? 0 : -1;
}

int vg_loadargs_plugin(vg_loadargs *la, const char *spec) {
  vigil_plugin_spec *np =
      realloc(la->plugins, (la->nplugins + 1) * sizeof *np);
  if (!np)
    return -1;
  la->plugins = np;
  char *name = strdup(spec);
  if (!name)
    return -1;
  char *at = strchr(name, '@');
  np[la->nplugins].name = name;
  np[la->nplugins].version = NULL;
  if (at) {
    *at = 0;
    np[la->nplugins].version = at + 1;
  }
  la->nplugins++;
  return 0;
}

bool vg_loadargs_config_known(const char *kv) {
  const char *eq = strchr(kv, '=');
  if (!eq)
    return false;
  if (vg_aout_is_key(kv))
    return true;
  size_t kl = (size_t)(eq - kv);
  for (size_t k = 0; KNOWN_KEYS[k]; k++)
    if (strlen(KNOWN_KEYS[k]) == kl && !strncmp(KNOWN_KEYS[k], kv, kl))
      return true;
  return false;
}

int vg_loadargs_config(vg_loadargs *la, const char *prog, const char *kv) {
  if (!vg_aout_is_key(kv))
    return 0;
  char err[512];
  if (vg_aout_option(&la->aout, kv, err, sizeof err) < 0) {
    fprintf(stderr, "vigil %s: %s\n", prog, err);
    return -1;
  }
  return 0;
}

int vg_loadargs_path(vg_loadargs *la, const char *prog,
                     const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "vigil %s: cannot read '%s'\n", prog, path);
    return -1;
  }
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    if (!d) {
      fprintf(stderr, "vigil %s: cannot read directory '%s'\n", prog,
              path);
      return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
      if (!has_yaml_ext(e->d_name))
        continue;
      size_t l = strlen(path) + strlen(e->d_name) + 2;
      char *full = malloc(l);
      if (!full)
        break;
      snprintf(full, l, "%s%s%s", path,
               path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
      struct stat fs;
      if (stat(full, &fs) != 0 || !S_ISREG(fs.st_mode) ||
          !push((void ***)&names, &n, full)) {
        free(full);
        continue;
      }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++)
      push((void ***)&la->files, &la->nfiles, names[i]);
    free(names);
    return 0;
  }
  if (!has_yaml_ext(path))
    return 0; /* Falco skips other names silently */
  char *p = strdup(path);
  if (!p || !push((void ***)&la->files, &la->nfiles, p)) {
    free(p);
    return -1;
  }
  return 0;
}

void vg_loadargs_free(vg_loadargs *la) {
  for (size_t i = 0; i < la->nfiles; i++)
    free(la->files[i]);
  free(la->files);
  free(la->sources);
  for (size_t i = 0; i < la->nplugins; i++)
    free((char *)la->plugins[i].name);
  free(la->plugins);
  vg_aout_fini(&la->aout);
  memset(la, 0, sizeof *la);
}

void vg_loadargs_options(const vg_loadargs *la, vigil_compiler_options *o) {
  o->sources = la->sources;
  o->nsources = la->nsources;
  o->plugins = la->plugins;
  o->nplugins = la->nplugins;
  o->no_plugins = la->no_plugins;
  /* Without --no-plugins, load what a Falco host set up for these rules
   * would (compiler.h auto_plugins). */
  o->auto_plugins = !la->no_plugins;
  vg_aout_fill(&la->aout, o);
  /* Falco's startup warning, word for word (typo and trailing comma of
   * its tag list included) */
  for (size_t i = 0; i < la->aout.n; i++) {
    const vigil_append_output *e = &la->aout.v[i];
    if (!e->rule || !*e->rule || !e->ntags)
      continue;
    char tags[1024];
    vg_aout_tag_list(e, tags, sizeof tags);
    fprintf(stderr,
            "warning: An append_ouptut entry specifies both a rule (%s) "
            "and a list of tags (%s). This means that output will be "
            "appended only to the %s rule and only if it has all the "
            "tags: %s.\n",
            e->rule, tags, e->rule, tags);
  }
}
