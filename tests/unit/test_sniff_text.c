/*
 * vigil's text classifier: the encoding classes file uses, the text types it
 * names itself (each answer here is what `file --mime-type` 5.44 gives for
 * the same bytes), JSON as file parses it, the keyword marks that send text
 * to libmagic, the C sources, makefiles and m4 vigil names itself (each
 * checked against libmagic's answer in the same run), and who decides in
 * vg_sniff_mime: random data is application/octet-stream without libmagic, a
 * plain C source is named by the text classifier, C++ by libmagic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "media/sniff.h"
#include "media/sniff_encoding.h"
#include "media/sniff_json.h"
#include "media/sniff_text.h"
#include "media/sniff_text_hints.h"

#define S(lit) (const uint8_t *)(lit), sizeof(lit) - 1

static const char *named(const uint8_t *p, size_t n)
{
    const char *mime = NULL;
    return vg_sniff_text(p, n, &mime) == VG_TEXT_NAMED ? mime : NULL;
}

/* One odd byte at every place of lines of every length: the fast path over plain ASCII must not hide it. */
static void test_encoding_every_place(void **state)
{
    static const struct {
        uint8_t byte;
        vg_encoding want;
    } odd[] = {{0x01, VG_ENC_BINARY}, {0x7f, VG_ENC_BINARY}, {0x1b, VG_ENC_ASCII}, {0x0c, VG_ENC_ASCII},
               {0x85, VG_ENC_ASCII},  {0x9f, VG_ENC_EXTENDED}, {0xa0, VG_ENC_LATIN1}, {0xe9, VG_ENC_LATIN1}};
    uint8_t buf[80];
    (void)state;
    for (size_t n = 1; n <= sizeof buf; n++)
        for (size_t at = 0; at < n; at++)
            for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++) {
                for (size_t i = 0; i < n; i++)
                    buf[i] = i % 13 == 12 ? '\n' : (uint8_t)('a' + i % 26);
                buf[at] = odd[k].byte;
                assert_int_equal(vg_text_encoding(buf, n), odd[k].want);
            }
}

static void test_encoding(void **state)
{
    (void)state;
    assert_int_equal(vg_text_encoding(S("plain words\r\n\ttab\a\b\f\x1b[0m\n")), VG_ENC_ASCII);
    assert_int_equal(vg_text_encoding(S("caf\xc3\xa9 cr\xc3\xa8me\n")), VG_ENC_UTF8);
    assert_int_equal(vg_text_encoding(S("\xef\xbb\xbfwith a BOM\n")), VG_ENC_UTF8);
    assert_int_equal(vg_text_encoding(S("caf\xe9\n")), VG_ENC_LATIN1);   /* a lone 0xE9 is not UTF-8 */
    assert_int_equal(vg_text_encoding(S("quote \x93x\x94\n")), VG_ENC_EXTENDED);
    assert_int_equal(vg_text_encoding(S("over\xc0\xaflong\n")), VG_ENC_LATIN1); /* overlong: not UTF-8 */
    assert_int_equal(vg_text_encoding(S("a\xc3")), VG_ENC_LATIN1);       /* cut sequence, nothing before it */
    assert_int_equal(vg_text_encoding(S("\xc3\xa9 then a cut \xe2\x82")), VG_ENC_UTF8);
    assert_int_equal(vg_text_encoding(S("text\0\0\0")), VG_ENC_ASCII); /* trailing NULs are ignored */
    assert_int_equal(vg_text_encoding(S("te\0xt")), VG_ENC_BINARY);
    assert_int_equal(vg_text_encoding(S("del\x7f")), VG_ENC_BINARY);
    assert_int_equal(vg_text_encoding(S("\x01\x02\x03")), VG_ENC_BINARY);
    assert_int_equal(vg_text_encoding(S("\xff\xfeh\0i\0")), VG_ENC_OTHER); /* UTF-16 with a BOM */
    assert_int_equal(vg_text_encoding(S("+/v8-abc\n")), VG_ENC_OTHER);    /* UTF-7 */
    assert_int_equal(vg_text_encoding(NULL, 0), VG_ENC_BINARY);
}

static void test_types(void **state)
{
    (void)state;
    assert_string_equal(named(S("Just some words.\nAnd more.\n")), "text/plain");
    assert_string_equal(named(S("#!/bin/sh\necho hi\n")), "text/x-shellscript");
    assert_string_equal(named(S("#! /usr/bin/env bash\n")), "text/x-shellscript");
    assert_string_equal(named(S("#!/usr/bin/python3.11\nprint(1)\n")), "text/x-script.python");
    assert_string_equal(named(S("#!/usr/bin/env python3\n")), "text/x-script.python");
    assert_string_equal(named(S("#!/usr/bin/perl -w\n")), "text/x-perl");
    assert_string_equal(named(S("#!/usr/bin/gawk -f\n")), "text/x-gawk");
    assert_string_equal(named(S("#!/usr/bin/env node\n")), "application/javascript");
    /* interpreters file does not name: its other rules decide, here none */
    assert_string_equal(named(S("#!/bin/dash\necho hi\n")), "text/plain");
    assert_string_equal(named(S("#!/usr/bin/env php\n")), "text/plain");
    assert_string_equal(named(S("#!perl -w\n")), "text/plain"); /* no path: file does not name it */
    assert_string_equal(named(S("#!./perl -w\n")), "text/plain");
    assert_string_equal(named(S("/* XPM */\nstatic char *x[] = {\n")), "image/x-xpixmap");
    assert_string_equal(named(S("<?xml version=\"1.0\"?>\n<doc/>\n")), "text/xml");
    assert_string_equal(named(S("<?xml version=\"1.0\"?>\n<svg xmlns=\"x\"/>\n")), "image/svg+xml");
    assert_string_equal(named(S("<svg width=\"1\"/>\n")), "image/svg+xml");
    assert_string_equal(named(S("<!DOCTYPE HTML>\n<p>x\n")), "text/html");
    assert_string_equal(named(S("Some notes\n<TABLE>\n")), "text/html");
    assert_string_equal(named(S(".\\\" man page\n.TH X 1\n")), "text/troff");
    assert_string_equal(named(S("first line\n.SH NAME\n")), "text/troff");
    assert_string_equal(named(S("first line\n.SHOUT\n")), "text/plain"); /* not a request: three letters */
    {
        /* file's line region: 20 line ends, an empty line going with the end before it */
        char t[400] = "";
        for (int i = 0; i < 19; i++)
            strcat(t, "line\n");
        strcat(t, "\n.ab x\n"); /* line 21, after an empty line 20 */
        assert_string_equal(named((const uint8_t *)t, strlen(t)), "text/troff");
        t[0] = 0;
        for (int i = 0; i < 20; i++)
            strcat(t, "line\n");
        strcat(t, ".ab x\n"); /* line 21 after 20 full lines: past the region */
        assert_string_equal(named((const uint8_t *)t, strlen(t)), "text/plain");
    }
    assert_string_equal(named(S("# comment\n\nmsgid \"\"\nmsgstr \"\"\n")), "text/x-po");
    assert_string_equal(named(S("a,b,c\n1,2,3\n4,5,6\n7,8,9\n")), "text/csv");
    assert_string_equal(named(S("a,b\n\"x,y\",2\n3,4\n5,6\n")), "text/csv"); /* commas inside quotes do not count */
    assert_string_equal(named(S("a,b\n1,2,3\n4,5\n")), "text/plain");
    assert_string_equal(named(S("{\"a\": [1, 2], \"b\": null}\n")), "application/json");
    /* XHTML, and maybe-JSON cut by the end of the head, are for libmagic */
    const char *m;
    assert_int_equal(vg_sniff_text(S("<?xml version=\"1.0\"?>\n<html>\n"), &m), VG_TEXT_ASK);
    assert_int_equal(vg_sniff_text(S("{\"a\": [1, 2"), &m), VG_TEXT_ASK);
    assert_int_equal(vg_sniff_text(S("\x89PNG\r\n\x1a\n\0"), &m), VG_TEXT_BINARY);
}

static void test_json(void **state)
{
    (void)state;
    assert_int_equal(vg_sniff_json(S("{}")), VG_JSON_YES);
    assert_int_equal(vg_sniff_json(S("[1, \"two\\u00e9\", true, false, null, -1.5e3]")), VG_JSON_YES);
    assert_int_equal(vg_sniff_json(S("[01]")), VG_JSON_YES); /* file lets leading zeros pass */
    assert_int_equal(vg_sniff_json(S("\"abc\"")), VG_JSON_NO); /* file wants an object or an array */
    assert_int_equal(vg_sniff_json(S("{\n}\nprogram x;\n")), VG_JSON_NO); /* Pascal after an empty comment */
    assert_int_equal(vg_sniff_json(S("{\"a\": 1}\n{\"b\": 2}\n")), VG_JSON_CUT); /* newline-delimited: libmagic */
    assert_int_equal(vg_sniff_json(S("{ Pascal comment }\n")), VG_JSON_NO);
    assert_int_equal(vg_sniff_json(S("{\"a\" 1}")), VG_JSON_NO);
    assert_int_equal(vg_sniff_json(S("{\"a\": \"tab\there\"}")), VG_JSON_YES); /* file lets raw controls pass */
    assert_int_equal(vg_sniff_json(S("{\"a\": \"x\\q\"}")), VG_JSON_NO); /* no such escape */
    assert_int_equal(vg_sniff_json(S("{\"a\": [1, 2, ")), VG_JSON_CUT);
    assert_int_equal(vg_sniff_json(S("[1x]")), VG_JSON_NO);
}

static void test_hints(void **state)
{
    (void)state;
    assert_true(vg_text_hints(S("/* x */\n#include <stdio.h>\n")));
    assert_true(vg_text_hints(S("x\nstruct point {\n")));
    assert_true(vg_text_hints(S("CFLAGS = -O2\n")));
    assert_true(vg_text_hints(S("from os import path\n")));
    assert_true(vg_text_hints(S("    def run(self):\n")));
    assert_true(vg_text_hints(S("int main(void)\n{\n")));
    assert_true(vg_text_hints(S("  public static void main(String[] args)\n")));
    assert_true(vg_text_hints(S("\\documentclass{article}\n")));
    assert_false(vg_text_hints(S("Copied from the original text.\n")));
    assert_false(vg_text_hints(S("  #include is quoted, not at the start\n")));
    assert_false(vg_text_hints(S("class notes for the term\n")));
    assert_false(vg_text_hints(S("namespace of the project\n")));
    assert_false(vg_text_hints(S("namespace eval msgcat {\n"))); /* Tcl */
    assert_true(vg_text_hints(S("namespace detail {\n")));
    assert_true(vg_text_hints(S("class Point(object):\n")));
    assert_false(vg_text_hints(S("class should either subclass or provide\n")));
    assert_true(vg_text_hints(S("import numpy as np\n")));
    assert_true(vg_text_hints(S("import java.util.List;\n")));
    assert_false(vg_text_hints(S("import the settings first\n")));
    assert_false(vg_text_hints(S("\" int main()\nlet x = 1\n")));
}

/* xorshift: the same pseudo-random bytes on every run */
static void noise(uint8_t *p, size_t n, uint32_t x)
{
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        p[i] = (uint8_t)(x >> 24);
    }
}

/* Texts whose marks vigil names itself, and texts it must leave to libmagic; libmagic is the judge. */
static void test_named_sources(void **state)
{
    static const struct {
        const char *text, *mime; /* mime NULL: vigil must ask libmagic */
    } cases[] = {
        {"/* a */\n#include <stdio.h>\nint main(void)\n{\n}\n", "text/x-c"},
        {"#ifndef A_H\n#define A_H\nint a;\n#endif\n", "text/x-c"},
        {"x\n#pragma once\n", "text/x-c"},
        {"x\nstruct point {\n  int x;\n};\n", "text/x-c"},
        {"x\n  extern int errno;\n", "text/x-c"},
        {"x\n#ifdef A\n", NULL},                                   /* file wants endif or define too */
        {"#include <x.h>\nclass Foo {\n};\n", NULL},               /* C++ */
        {"#include <vector>\nnamespace std\n{\n}\n", NULL},        /* C++, the brace on its own line */
        {"#include <x.h>\nusing ::isalpha;\n", NULL},
        {"package Foo;\n#ifdef X\n#endif\n", NULL},                /* a Perl module: file says text/plain */
        {"CFLAGS = -O2\nall: a\n", "text/x-makefile"},
        {"x = 1\nSUBDIRS = lib src\n", "text/x-makefile"},
        {"x = 1\nSUBDIRS := lib\n", NULL},                          /* file's SUBDIRS rule wants "=" */
        {"dnl a macro file\ndefine(`x', 1)\n", "text/x-m4"},
        {"#include <x.h>\nCFLAGS = -O2\n", NULL},                   /* two kinds: file's strengths decide */
    };
    vg_sniffer *s;
    char magic[128];
    (void)state;
    assert_int_equal(vg_sniffer_new(&s, NULL), 0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const uint8_t *p = (const uint8_t *)cases[i].text;
        size_t n = strlen(cases[i].text);
        const char *mime = NULL;
        vg_text_answer a = vg_sniff_text(p, n, &mime);
        vg_sniff_mime_magic(s, p, n, magic, sizeof magic);
        if (cases[i].mime) {
            assert_int_equal(a, VG_TEXT_NAMED);
            assert_string_equal(mime, cases[i].mime);
            assert_string_equal(mime, magic); /* what libmagic says of the same bytes */
        } else {
            assert_int_equal(a, VG_TEXT_ASK);
        }
    }
    /* a make word past file's 100 lines: not named (libmagic says text/plain) */
    {
        static char mk[4096];
        size_t n = 0;
        for (int l = 0; l < 100; l++)
            n += (size_t)snprintf(mk + n, sizeof mk - n, "x = %d\n", l);
        n += (size_t)snprintf(mk + n, sizeof mk - n, "CFLAGS = -O2\n");
        assert_null(vg_text_hint_named((const uint8_t *)mk, n, vg_text_hint_kinds((const uint8_t *)mk, n)));
        vg_sniff_mime_magic(s, mk, n, magic, sizeof magic);
        assert_string_equal(magic, "text/plain");
    }
    vg_sniffer_free(s);
}

static void test_who_decides(void **state)
{
    static uint8_t rnd[16384];
    static const uint8_t pyc[16] = {0xa7, 0x0d, 0x0d, 0x0a};
    vg_sniffer *s;
    char mime[128];
    (void)state;
    assert_int_equal(vg_sniffer_new(&s, NULL), 0);
    noise(rnd, sizeof rnd, 2463534242u);
    assert_int_equal(vg_sniff_mime(s, rnd, sizeof rnd, mime, sizeof mime), VG_SNIFF_BY_DATA);
    assert_string_equal(mime, "application/octet-stream");
    assert_int_equal(vg_sniff_mime(s, S("plain words\n"), mime, sizeof mime), VG_SNIFF_BY_TEXT);
    assert_string_equal(mime, "text/plain");
    assert_int_equal(vg_sniff_mime(s, S("#include <stdio.h>\nint main(void) {\n}\n"), mime, sizeof mime),
                     VG_SNIFF_BY_TEXT);
    assert_string_equal(mime, "text/x-c");
    assert_int_equal(vg_sniff_mime(s, S("#include <vector>\nclass A {\n};\n"), mime, sizeof mime),
                     VG_SNIFF_BY_MAGIC);
    assert_string_equal(mime, "text/x-c++");
    /* a binary format file names and vigil does not: libmagic is asked */
    assert_int_equal(vg_sniff_mime(s, pyc, sizeof pyc, mime, sizeof mime), VG_SNIFF_BY_MAGIC);
    assert_string_equal(mime, "application/x-bytecode.python");
    assert_int_equal(vg_sniff_mime(s, S("GIF89a"), mime, sizeof mime), VG_SNIFF_BY_TABLE);
    vg_sniffer_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encoding), cmocka_unit_test(test_encoding_every_place), cmocka_unit_test(test_types), cmocka_unit_test(test_json),
        cmocka_unit_test(test_hints), cmocka_unit_test(test_named_sources), cmocka_unit_test(test_who_decides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
