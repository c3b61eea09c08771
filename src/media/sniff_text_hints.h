/*
 * Marks of file's keyword guesses in text: the words its weak rules for
 * program sources, makefiles and the like search for. Text with none of them
 * is text/plain to file too (unless a rule vigil names itself applies), so
 * libmagic is asked only about text that has one. Pure, thread-safe.
 */
#ifndef VG_MEDIA_SNIFF_TEXT_HINTS_H
#define VG_MEDIA_SNIFF_TEXT_HINTS_H
#include <stddef.h>
#include <stdint.h>

/* 1 if one of file's keyword rules may name this text. */
int vg_text_hints(const uint8_t *text, size_t n);

#endif
