#!/bin/sh
# Records libvirt's own formatting of every case in cases.tsv: libvirt's in-process test
# driver parses in/VOLUME.xml in a pool made from pools/POOL.xml and writes it back.
# The test driver replaces key and target path with POOL_TARGET/NAME, so the inputs
# already use those values. Run from this directory with libvirt 9.0's virsh installed.
set -eu
grep -v '^#' cases.tsv | while IFS="$(printf '\t')" read -r pool vol rng; do
  name=$(sed -n 's:.*<name>\(.*\)</name>.*:\1:p' "in/$vol.xml" | head -n1 |
         sed "s/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g; s/&quot;/\\\\\"/g")
  poolname=$(sed -n 's:.*<name>\(v[a-z]*\)</name>.*:\1:p' "pools/$pool.xml" | head -n1)
  virsh -q -c test:///default \
      "pool-create pools/$pool.xml; vol-create $poolname in/$vol.xml; vol-dumpxml --pool $poolname \"$name\"" |
      sed '/^$/d' > "out/$vol.xml"
done
