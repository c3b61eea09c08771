/*
 * vg_result on the wire: the bytes a worker process sends its proxy for one
 * result. Every field travels by value (strings and the thumbnail included):
 * nothing points into the sender's memory, so a result read back owns all it
 * shows. Both ends are the same program, so the item's plain fields are
 * copied as laid out in memory.
 */
#ifndef VG_SCAN_RESULT_WIRE_H
#define VG_SCAN_RESULT_WIRE_H
#include "core/buf.h"
#include "scan/result.h"

/* Append r's bytes to b (check vg_buf_failed afterwards). */
void vg_result_wire_put(vg_buf *b, const vg_result *r);
/* A new result from n bytes written by vg_result_wire_put; NULL when they are cut short or
 * inconsistent (*why says which) or memory runs out (*why: "out of memory"). */
vg_result *vg_result_wire_get(const void *p, size_t n, const char **why);

#endif
