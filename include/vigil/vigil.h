/* vigil's whole public API. */
#ifndef VIGIL_H
#define VIGIL_H
#include <stddef.h>
#include "vigil/error.h"
#include "vigil/log.h"
#include "vigil/digest.h"
#include "vigil/hashset.h"
#include "vigil/index.h"
#include "vigil/item.h"
#include "vigil/scan.h"
#include "vigil/report.h"
#include "vigil/registry.h"
#include "vigil/cases.h"
#include "vigil/audit.h"
#include "vigil/image.h"
#include "vigil/output.h"
#include "vigil/term.h"
#include "vigil/pdq.h"
#include "vigil/pdq_match.h"
#include "vigil/vpdq.h"
#include "vigil/matchers.h"
#include "vigil/case_items.h"
#include "vigil/links.h"
#include "vigil/series.h"
#include "vigil/categorize.h"

/* The version, e.g. "0.1.0 (git 5f69b6a1c2d3)" when built from a git tree, else "0.1.0". */
const char *vigil_version(void);

/* The libraries that read evidence, store and sign, with their versions as linked (for the few
 * without a run-time call, the headers built with): for --version, scan summaries and reports.
 * Static storage; *n gets the count. */
typedef struct vigil_library_version {
    const char *name;
    const char *version;
} vigil_library_version;
const vigil_library_version *vigil_library_versions(size_t *n);

#endif
