/*
 * libmagic's compiled database, mapped once per process. magic_load() maps
 * the database for every magic_t, so each reader thread's sniffer held its
 * own mapping and the same 8 MB of pages counted in resident memory once per
 * thread. Loaded from this one read-only mapping (magic_load_buffers reads it
 * in place), they count once.
 */
#ifndef VG_MEDIA_MAGIC_DB_H
#define VG_MEDIA_MAGIC_DB_H
#include <magic.h>

/*
 * Load the shared database into m (taking a reference to the mapping):
 * 0 done, -1 not possible here (no compiled database file, or one of the
 * other byte order, which libmagic would rewrite in place): load it the usual
 * way instead.
 */
int vg_magic_db_load(magic_t m);
/* Give back the reference of a successful vg_magic_db_load, after magic_close. */
void vg_magic_db_release(void);

#endif
