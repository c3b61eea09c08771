/* The checks and notes of vigil scan around the scan (scan_checks.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "scan_checks.h"

int scan_check_roots(const char *const *paths, size_t npaths)
{
    int bad = 0;
    for (size_t i = 0; i < npaths; i++) {
        struct stat sb;
        int fd;
        /* opening does not touch the evidence (no read, no atime); a FIFO must not block */
        if (stat(paths[i], &sb) != 0 || (fd = open(paths[i], O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)) < 0) {
            cli_error("scan: %s: %s", paths[i], strerror(errno));
            bad = 1;
            continue;
        }
        close(fd);
    }
    return bad ? vigil_error_exit_status(VIGIL_EINPUT) : 0;
}

int scan_check_sets(const char *sets_path, size_t nsets)
{
    if (nsets)
        return 0;
    cli_error("scan: no hash sets in %s: every item would be unknown; import sets or pass --no-sets", sets_path);
    return vigil_error_exit_status(VIGIL_EINPUT);
}

void scan_note_pdq(const vigil_hashset_info *sets, size_t nsets)
{
    uint64_t pdq = 0;
    for (size_t i = 0; i < nsets; i++)
        pdq += sets[i].pdq_entries;
    if (nsets && !pdq)
        cli_error("scan: near matching off: no PDQ entries loaded");
}

void scan_print_sets(FILE *f, const vigil_hashset_info *sets, size_t nsets)
{
    if (!nsets) {
        fputs("vigil: scan: compared with no sets (--no-sets): no item can match\n", f);
        return;
    }
    fprintf(f, "vigil: scan: compared with %zu set%s: ", nsets, nsets == 1 ? "" : "s");
    for (size_t i = 0; i < nsets; i++)
        fprintf(f, "%s%s v%lld (%llu entries, %llu PDQ)", i ? ", " : "", cli_text(sets[i].name),
                (long long)sets[i].version, (unsigned long long)sets[i].entries,
                (unsigned long long)sets[i].pdq_entries);
    fputc('\n', f);
}

void scan_error_item(scan_errors *e, const vigil_item *it)
{
    if (it->verdict != VIGIL_VERDICT_ERROR)
        return;
    if (++e->seen <= SCAN_ERROR_LINES && !e->quiet)
        cli_item_error(it, it->error ? it->error : "cannot read");
}

void scan_errors_finish(const scan_errors *e)
{
    if (!e->quiet && e->seen > SCAN_ERROR_LINES)
        fprintf(stderr, "vigil: scan: ... and %llu more error items (see the JSONL)\n",
                (unsigned long long)(e->seen - SCAN_ERROR_LINES));
}
