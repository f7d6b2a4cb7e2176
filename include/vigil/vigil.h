/*
 * vigil.h - umbrella header for the vigil public API: version macros, the
 * export macro and the headers every client needs. The CLI and the Falco
 * plugin include nothing else from the project.
 */
#ifndef VIGIL_VIGIL_H
#define VIGIL_VIGIL_H

#define VIGIL_VERSION_MAJOR 0
#define VIGIL_VERSION_MINOR 1
#define VIGIL_VERSION_PATCH 0
#define VIGIL_VERSION_STRING "0.1.0"

/* The Falco rules engine version whose semantics vigil implements. */
#define VIGIL_ENGINE_VERSION_MAJOR 0
#define VIGIL_ENGINE_VERSION_MINOR 63
#define VIGIL_ENGINE_VERSION_PATCH 0
#define VIGIL_ENGINE_VERSION_STRING "0.63.0"

#if defined(__GNUC__)
#define VIGIL_API __attribute__((visibility("default")))
#else
#define VIGIL_API
#endif

#include "vigil/status.h"

#endif
