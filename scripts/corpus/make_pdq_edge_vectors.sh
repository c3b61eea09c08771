#!/usr/bin/env bash
# Generate the synthetic (benign, seeded) edge-case images used as PDQ test
# vectors in tests/data/pdq/synthetic. Each one pins one rule of
# docs/pdq.md: minimum size, the 512 resize, window-size boundaries, the grey
# rule, alpha, palettes, interlacing, gamma chunks, 16-bit samples, JPEG
# sampling/progressive/CMYK/greyscale, EXIF orientation, featureless images.
#
# usage: make_pdq_edge_vectors.sh OUTDIR
#   needs: ImageMagick 6 (apt-get install imagemagick), exiftool
#          (apt-get install libimage-exiftool-perl)
# The expected hashes are NOT made here: they come from running the C++
# reference hasher on these files (see tests/data/pdq/README.md). It also makes
# e05, e09, e12, e23, e24, e29, e31 and e34, which have no expected values in
# tests/data/pdq and are not kept there.
set -euo pipefail
out=${1:?usage: make_pdq_edge_vectors.sh OUTDIR}
mkdir -p -- "$out"
IM=convert; [ -x /usr/bin/convert ] && IM=/usr/bin/convert
export MAGICK_THREAD_LIMIT=1 OMP_NUM_THREADS=1
c() { "$IM" "$@"; }
cd -- "$out"

# --- size rules
c -seed 101 -size 4x4 xc:gray50 +noise Random -depth 8 -strip png24:e01_tiny_4x4.png
c -seed 102 -size 5x5 xc:gray50 +noise Random -depth 8 -strip png24:e02_min_5x5.png
c -seed 103 -size 64x64 plasma:fractal -depth 8 -strip png24:e03_exact_64x64.png
c -seed 104 -size 127x100 plasma:fractal -depth 8 -strip png24:e04_window1_127x100.png
c -seed 105 -size 129x300 plasma:fractal -depth 8 -strip png24:e05_window2_129x300.png
c -seed 106 -size 512x512 plasma:fractal -depth 8 -strip png24:e06_exact_512x512.png
c -seed 107 -size 513x400 plasma:fractal -depth 8 -strip png24:e07_resize_513x400.png
c -seed 108 -size 2000x150 plasma:fractal -depth 8 -strip -quality 90 jpeg:e08_wide_2000x150.jpg
c -seed 109 -size 120x1800 plasma:fractal -depth 8 -strip png24:e09_tall_120x1800.png

# --- featureless / degenerate spectra (hash bits decided by float rounding noise)
c -size 300x200 xc:'rgb(128,128,128)' -depth 8 -strip -define png:color-type=2 png24:e10_constant_grey.png
c -size 200x256 gradient:black-white -rotate 90 -depth 8 -strip -define png:color-type=0 png:e11_hgradient_256.png
c -size 96x96 pattern:checkerboard -depth 8 -strip -define png:color-type=0 png:e12_checker_96.png

# --- colour types and the grey rule
c -seed 113 -size 640x480 plasma:fractal -colorspace gray -depth 8 -strip -define png:color-type=0 png:e13_grey8.png
c e13_grey8.png -colorspace sRGB -type TrueColor -depth 8 -strip -define png:color-type=2 png24:e14_rgb_all_grey.png
c -seed 115 -size 640x480 plasma:fractal -dither None -colors 64 -depth 8 -strip \
  -transparent "$("$IM" -seed 115 -size 640x480 plasma:fractal -dither None -colors 64 -format '%[pixel:p{0,0}]' info:)" \
  png8:e15_palette_trns.png
c -seed 116 -size 400x300 plasma:fractal -depth 8 \( -size 300x400 gradient:black-white -rotate 90 -depth 8 \) \
  -alpha off -compose CopyOpacity -composite -depth 8 -strip -define png:color-type=6 png32:e16_rgba_alpha_ramp.png
c -seed 117 -size 400x300 plasma:fractal -colorspace gray -depth 8 \( -size 300x400 gradient:white-black -rotate 90 -depth 8 \) \
  -alpha off -compose CopyOpacity -composite -depth 8 -strip -define png:color-type=4 png:e17_grey_alpha.png
c -seed 118 -size 700x500 plasma:fractal -depth 8 -strip -interlace PNG png24:e18_interlaced.png
c -seed 119 -size 600x450 plasma:fractal -depth 8 -strip -set gamma 1.0 -define png:include-chunk=gAMA png24:e19_gama_1_0.png
c -seed 120 -size 320x240 plasma:fractal -depth 16 -strip png48:e20_rgb16.png

# --- JPEG variants
c -seed 121 -size 800x600 plasma:fractal -colorspace gray -depth 8 -strip -quality 90 -type Grayscale jpeg:e21_grey_1comp.jpg
c -seed 122 -size 800x600 plasma:fractal -depth 8 -strip -quality 92 -sampling-factor 1x1,1x1,1x1 jpeg:e22_444.jpg
c -seed 123 -size 800x600 plasma:fractal -depth 8 -strip -quality 85 -sampling-factor 2x1,1x1,1x1 jpeg:e23_422.jpg
c -seed 124 -size 800x600 plasma:fractal -depth 8 -strip -quality 80 -interlace Plane jpeg:e24_progressive.jpg
c -seed 125 -size 800x600 plasma:fractal -depth 8 -strip -colorspace CMYK -quality 90 jpeg:e25_cmyk.jpg
c -seed 126 -size 900x600 plasma:fractal -fill white -draw 'rectangle 20,20 300,120' -depth 8 -strip -quality 90 jpeg:e26_exif_orient6.jpg
exiftool -q -overwrite_original -n -Orientation=6 e26_exif_orient6.jpg
c -seed 127 -size 1024x768 plasma:fractal -blur 0x25 -depth 8 -strip -quality 90 jpeg:e27_blurred_lowq.jpg

# --- text and noise
c -size 800x500 xc:white -font DejaVu-Sans -pointsize 44 -fill black \
  -annotate +30+80 'referral accepted' -annotate +30+180 'deadline 2026-03-01' \
  -annotate +30+280 'unit: regional north' -annotate +30+380 'verdict: unknown' \
  -depth 8 -strip -define png:color-type=0 png:e28_text.png
c -seed 129 -size 800x800 xc:gray50 +noise Random -colorspace gray -depth 8 -strip -define png:color-type=0 png:e29_noise_800.png
# --- canaries for arithmetic order: all 256 coefficients of a pure horizontal
#     colour ramp are rounding noise, so any change in summation order flips bits
c -size 90x120 gradient:'rgb(200,100,50)-rgb(20,180,90)' -rotate 90 -depth 8 -strip png24:e30_hramp_rgb_120x90.png
c -size 400x600 gradient:'rgb(200,100,50)-rgb(20,180,90)' -rotate 90 -depth 8 -strip png24:e31_hramp_rgb_600x400.png
c -size 64x64 gradient:'rgb(200,100,50)-rgb(20,180,90)' -rotate 90 -depth 8 -strip png24:e32_hramp_rgb_64x64.png
# --- truncated files, as carved from unallocated space: libjpeg decodes what is
#     there (baseline: missing blocks come out mid-grey; progressive: a blurrier whole)
c -seed 133 -size 800x600 plasma:fractal -depth 8 -strip -quality 92 -sampling-factor 1x1,1x1,1x1 jpeg:full.tmp
head -c 60000 full.tmp > e33_truncated_baseline.jpg
c -seed 134 -size 800x600 plasma:fractal -depth 8 -strip -quality 85 -interlace Plane jpeg:full.tmp
head -c 25000 full.tmp > e34_truncated_progressive.jpg
rm -f full.tmp
echo "make_pdq_edge_vectors: $(ls | wc -l) files in $out"
