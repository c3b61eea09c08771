/*
 * Loading the media libraries that vigil opens on first use (lazy_av.h, lazy_heif.h).
 */
#ifndef VG_MEDIA_LAZY_LIBS_H
#define VG_MEDIA_LAZY_LIBS_H

/* Load them now. A scan calls this before it forks its parser workers: their seccomp filter
 * forbids the open() that a later load would need, and loaded once in the parent the libraries'
 * pages are shared with every worker. A failure is kept and reported by the first decode that
 * needs the library. */
void vg_media_libs_preload(void);

#endif
