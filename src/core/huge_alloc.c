#include <stdlib.h>
#include <sys/mman.h>

#include "core/huge_alloc.h"

void *vg_huge_alloc(size_t n)
{
    const size_t huge = (size_t)2 << 20;
    size_t rounded = (n + huge - 1) / huge * huge;
    void *p;
    if (n < 2 * huge)
        return malloc(n);
    if (!(p = aligned_alloc(huge, rounded)))
        return NULL;
    madvise(p, rounded, MADV_HUGEPAGE); /* a hint: 4 KiB pages where it is refused */
    return p;
}
