#!/usr/bin/env bash
# make-registry.sh VIGIL OUT.db: the small registry kept here for each earlier schema, written by
# the vigil binary of the commit that introduced that schema (see README). Only commands that every
# version since the first versioned schema understands, with fixed dates.
set -eu
V=$1
export VIGIL_DB=$2
rm -f "$VIGIL_DB"
"$V" unit add N01 --name National --type national
"$V" unit add R05 --name "Region Five" --type regional
"$V" unit add R07 --name "Region Seven" --type regional
"$V" user add alice --unit R05 --role officer
"$V" case new --unit N01 --type possession --title "Seized laptop" --suspect S-100 --at 2026-01-05
"$V" case refer 1 --to R05 --due-days 14 --at 2026-01-06
"$V" case accept 1 --at 2026-01-09
"$V" case new --unit N01 --type distribution --at 2026-02-01
"$V" case refer 2 --to R07 --at 2026-02-02
"$V" case decline 2 --reason capacity --at 2026-02-10
"$V" case new --unit N01 --type production --at 2026-03-01
"$V" case refer 3 --to R05 --due 2026-03-20 --at 2026-03-02
"$V" case signal 3 unknown_material 1
"$V" audit verify
