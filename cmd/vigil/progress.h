/* A progress line on stderr for long scans: items, bytes, rate and ETA from a quick pre-count. */
#ifndef VIGIL_PROGRESS_H
#define VIGIL_PROGRESS_H
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "vigil/item.h"

typedef struct cli_progress cli_progress;

/* NULL (and no cost) unless enabled; the pre-count runs in its own thread. */
cli_progress *cli_progress_start(const char *const *paths, size_t npaths, volatile sig_atomic_t *stop,
                                 int enabled);
/* Count an item's verdict for the running counts (scan); call before cli_progress_item. */
void cli_progress_verdict(cli_progress *p, vigil_verdict v);
/* Called from the sink for every item; redraws at most five times a second. */
void cli_progress_item(cli_progress *p, uint64_t bytes, int on_disk);
void cli_progress_finish(cli_progress *p);
/* Wipe the drawn line, so that a message can take its place; it is drawn again later. */
void cli_progress_clear(cli_progress *p);

#endif
