/* The JSON object of one item, shared by the JSONL and the HTML report so both carry the same fields. */
#ifndef VG_REPORT_ITEM_JSON_H
#define VG_REPORT_ITEM_JSON_H
#include "core/buf.h"
#include "vigil/item.h"

/* Append the item's object (no newline) to b; a failure to grow is left in b. */
void vg_item_json(vg_buf *b, const vigil_item *it);

#endif
