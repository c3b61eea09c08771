/* Which files need a third-party parser (parse_need.h). */
#include "media/sniff.h"
#include "scan/image_job.h"
#include "scan/parse_need.h"
#include "scan/reader_video.h"
#include "source/archive.h"
#include "vigil/image.h"

int vg_needs_parser(const vigil_scan_opts *o, const uint8_t *head, size_t n, int fd, uint64_t size)
{
    char mime[96];
    vg_sniff_by by;
    if (o->sniff_mime && !vg_sniff_mime_own(head, n, mime, sizeof mime, &by))
        return 1; /* only libmagic names it */
    if (o->compute_pdq && vigil_image_sniff(head, n) != VIGIL_IMAGE_NONE)
        return 1; /* a picture to decode (or to say it is too large: the worker does either) */
    if (o->compute_vpdq && vg_video_or_anim_head(head, n))
        return 1; /* a video for FFmpeg to decode, or a picture whose frames the worker counts */
    if (!o->expand_archives)
        return 0;
    if (vg_sniff_is_container(head, n) || vg_archive_appended(fd, size, head, n) >= 0)
        return 1;
    return o->nested_images && vg_nested_image_candidate(fd, size, head, n);
}
