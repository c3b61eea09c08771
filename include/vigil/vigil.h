/* vigil's whole public API. */
#ifndef VIGIL_H
#define VIGIL_H
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
#include "vigil/matchers.h"
#include "vigil/case_items.h"
#include "vigil/links.h"
#include "vigil/series.h"

/* The library version, e.g. "0.1.0". */
const char *vigil_version(void);

#endif
