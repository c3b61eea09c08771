/*
 * bench_report N REPORT.html PEER.html: the HTML report of N made-up items (mostly unknown
 * pictures, some in archives, some matched, some errors) written through the report's own
 * writer, and a peer page with the same rows as one plain static table (what the report used
 * to be). Both record performance.now() when their last script runs, for bench/report.sh
 * (the peer then drops its table, after the time is taken, so that --dump-dom stays short).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/report.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void made_up(vigil_item *it, char *path, size_t cap, size_t i, const char *const *zip)
{
    unsigned kind = (unsigned)(next() % 100);
    memset(it, 0, sizeof *it);
    it->has_digests = 1;
    for (int k = 0; k < 32; k += 8) {
        uint64_t r = next();
        memcpy(it->digests.sha256 + k, &r, 8);
        memcpy(it->digests.md5 + k % 16, &r, 8);
        memcpy(it->digests.sha1 + k % 12, &r, 8);
    }
    it->size = 1000 + next() % 5000000;
    it->mime = "image/jpeg";
    it->verdict = VIGIL_VERDICT_UNKNOWN;
    snprintf(path, cap, "seized/home/user/Pictures/%03zu/IMG_%06zu.jpg", i / 500, i);
    if (kind < 20) {
        it->mime = "application/octet-stream";
        snprintf(path, cap, "seized/home/user/Documents/%03zu/file-%06zu.bin", i / 500, i);
    } else if (kind < 25) {
        it->containers = zip;
        it->ncontainers = 1;
        snprintf(path, cap, "holiday/IMG_%06zu.jpg", i);
    } else if (kind < 29) {
        it->verdict = VIGIL_VERDICT_ILLEGAL;
        it->match = (vigil_match){.by = VIGIL_BY_SHA256, .kind = VIGIL_KIND_ILLEGAL, .set = "list-a", .category = "A",
                                  .series = "S-1"};
    } else if (kind < 30) {
        it->verdict = VIGIL_VERDICT_ERROR;
        it->has_digests = 0;
        it->error = "Permission denied";
    }
    it->path = path;
    it->path_len = strlen(path);
}

static void peer_row(FILE *f, const vigil_item *it)
{
    char hex[65];
    vigil_hex(hex, it->digests.sha256, 32);
    fprintf(f, "<tr><td>%s%s%s</td><td>%llu</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
            it->ncontainers ? it->containers[0] : "", it->ncontainers ? " &gt; " : "", it->path,
            (unsigned long long)it->size, it->mime, it->has_digests ? hex : "",
            it->error ? it->error : it->match.set ? it->match.set : "");
}

int main(int argc, char **argv)
{
    static const char *const zip[1] = {"seized/home/user/Downloads/holiday.zip"};
    const char *paths[1] = {"seized"};
    vigil_scan_stats st = {0};
    vigil_report_params p = {0};
    vigil_html *h;
    vigil_error err;
    vigil_item it;
    char path[256];
    size_t n;
    FILE *peer;
    if (argc != 4 || !(n = strtoul(argv[1], NULL, 10))) {
        fprintf(stderr, "usage: bench_report N REPORT.html PEER.html\n");
        return 2;
    }
    if (vigil_html_open(&h, argv[2], &err) < 0 || !(peer = fopen(argv[3], "w"))) {
        fprintf(stderr, "bench_report: cannot open the outputs\n");
        return 4;
    }
    fputs("<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>peer</title></head><body>\n<table>\n", peer);
    for (size_t i = 0; i < n; i++) {
        made_up(&it, path, sizeof path, i, zip);
        if (vigil_html_item(h, &it) < 0)
            return 4;
        peer_row(peer, &it);
        st.items++;
        st.by_verdict[it.verdict]++;
        st.bytes += it.size;
    }
    fputs("</table>\n<script>document.documentElement.dataset.ready=performance.now().toFixed(1);"
          "document.querySelector('table').remove()</script>\n"
          "</body></html>\n", peer);
    st.seconds = 60;
    p.version = "bench";
    p.paths = paths;
    p.npaths = 1;
    if (fclose(peer) != 0 || vigil_html_finish(h, &p, &st, &err) < 0) {
        fprintf(stderr, "bench_report: %s\n", err.msg);
        return 4;
    }
    return 0;
}
