/*
 * regex_check.h - syntax check of a regular expression as RE2 parses it
 * with RE2::POSIX options (what libsinsp uses for 'regex'): POSIX syntax
 * without Perl extensions (\d, \w, \s, \b, (?flags), (?:...), lazy
 * quantifiers). On failure writes RE2's error text ("invalid escape
 * sequence: \d", "missing ): (a", ...) to why. Pure function, thread-safe.
 */
#ifndef VG_REGEX_CHECK_H
#define VG_REGEX_CHECK_H

#include <stdbool.h>
#include <stddef.h>

bool vg_regex_check_re2_posix(const char *pat, size_t len, char *why,
                              size_t whysz);

#endif
