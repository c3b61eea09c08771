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

/* Which of file's keyword rules the marks found point to. */
#define VG_HINT_C_PREPROCESSOR 0x01u /* #include, #pragma, #ifdef, #ifndef at a line's start */
#define VG_HINT_C_DECLARATION 0x02u  /* struct, union, extern */
#define VG_HINT_CXX 0x04u            /* namespace, using, template, virtual */
#define VG_HINT_MAKE 0x08u           /* CFLAGS, VPATH, all:, SUBDIRS, BSD make's dot words */
#define VG_HINT_PYTHON 0x10u         /* import, from ... import, def, class X:, a docstring */
#define VG_HINT_M4 0x20u             /* dnl, AC_DEFUN */
#define VG_HINT_MAIN 0x40u           /* main(...) { or Java's main(String */
#define VG_HINT_TEX 0x80u            /* \input, \begin, \section, ... */

/* The VG_HINT_* kinds of every mark in the text; 0: none of file's keyword rules may name it. */
unsigned vg_text_hint_kinds(const uint8_t *text, size_t n);

/*
 * The type file gives text with these marks, where vigil is sure of it: C
 * sources, makefiles and m4 with marks of no other kind (the commonest texts
 * file's slow regular-expression rules name); NULL: ask libmagic.
 */
const char *vg_text_hint_named(const uint8_t *text, size_t n, unsigned kinds);

/* 1 if one of file's keyword rules may name this text. */
int vg_text_hints(const uint8_t *text, size_t n);

#endif
