#!/bin/sh
# Checker for the module-memory lab, run in the guest from the lab folder: PASS/FAIL <objective> <message>.
# The addresses are checked against each other and against the guest's RAM map (/proc/iomem).
t=/tmp/r0-memory
rm -rf $t; mkdir -p $t
rmmod memory_lab 2>/dev/null
if ! insmod memory_lab.ko 2>$t/insmod.err; then
  for o in kmalloc-phys pages frees; do echo "FAIL $o insmod memory_lab.ko failed: $(cat $t/insmod.err)"; done
  exit 0
fi
if ! cat /proc/memory_lab > $t/out 2>$t/cat.err; then
  for o in kmalloc-phys pages frees; do echo "FAIL $o cannot read /proc/memory_lab: $(cat $t/cat.err)"; done
  rmmod memory_lab; exit 0
fi
cat /proc/iomem > $t/iomem
cat > $t/check.py <<'PY'
import re, sys
out = open(sys.argv[1]).read()
ram = []
for l in open(sys.argv[2]):
    m = re.match(r'\s*([0-9a-f]+)-([0-9a-f]+) : System RAM', l)
    if m: ram.append((int(m.group(1), 16), int(m.group(2), 16)))
def in_ram(a): return any(lo <= a <= hi for lo, hi in ram)
def fields(kind):
    m = re.search(r'^' + kind + r' (.*)$', out, re.M)
    return dict(kv.split('=', 1) for kv in m.group(1).split()) if m else None
k = fields('kmalloc'); p = fields('pages')
if not k or not p:
    print('FAIL kmalloc-phys /proc/memory_lab lost its kmalloc/pages lines: keep the two seq_printf formats'); print('FAIL pages see kmalloc-phys'); sys.exit()
kv, kp = int(k['virt'], 16), int(k['phys'], 16)
offset = None
if kp == 0:
    print('FAIL kmalloc-phys kmalloc phys=0: compute it with virt_to_phys(kbuf)')
elif not in_ram(kp):
    print('FAIL kmalloc-phys kmalloc phys=%x is not in System RAM (see /proc/iomem): use virt_to_phys(kbuf)' % kp)
elif (kv - kp) % 4096 != 0:
    print('FAIL kmalloc-phys virt %x and phys %x differ in their offset within the page: they cannot be the same byte' % (kv, kp))
else:
    offset = kv - kp
    print('PASS kmalloc-phys kmalloc virt %x is phys %x: the direct map puts all RAM at virt = phys + %x' % (kv, kp, offset))
pv, pp, pfn, order = int(p['virt'], 16), int(p['phys'], 16), int(p['pfn'], 16), int(p['order'])
size = 4096 << order
if pv == 0 or pp == 0 or pfn == 0:
    print('FAIL pages pages virt=%x phys=%x pfn=%x: allocate with alloc_pages(GFP_KERNEL, order), then use page_address(), page_to_phys() and page_to_pfn()' % (pv, pp, pfn))
elif pp != pfn * 4096:
    print('FAIL pages phys %x is not pfn %x * 4096: page_to_phys(page) == page_to_pfn(page) << PAGE_SHIFT' % (pp, pfn))
elif not in_ram(pp) or not in_ram(pp + size - 1):
    print('FAIL pages phys %x..%x is not all in System RAM (see /proc/iomem)' % (pp, pp + size - 1))
elif pp % size != 0:
    print('FAIL pages phys %x is not aligned to the block size %d (order %d): the buddy allocator always returns naturally aligned blocks' % (pp, size, order))
elif offset is not None and pv - pp != offset:
    print('FAIL pages virt %x - phys %x is not the direct-map offset %x seen for kmalloc: use page_address(page)' % (pv, pp, offset))
else:
    print('PASS pages %d page(s) at phys %x (pfn %x), naturally aligned, mapped at virt %x' % (1 << order, pp, pfn, pv))
PY
python3 $t/check.py $t/out $t/iomem
rmmod memory_lab
# A 4 MiB block (order 10) must come back to the free pool on rmmod.
memfree() { awk '/^MemFree:/ {print $2}' /proc/meminfo; }
if insmod memory_lab.ko order=10 2>$t/insmod.err; then
  pfn=$(sed -n 's/^pages .*pfn=\([0-9a-f]*\).*/\1/p' /proc/memory_lab)
  before=$(memfree)
  rmmod memory_lab
  after=$(memfree)
  back=$((after - before))
  if [ "$back" -ge 3000 ]; then echo "PASS frees rmmod gave back ${back} kB (the 4096 kB block of order=10)"
  elif [ "${pfn:-0}" = 0 ]; then echo "FAIL frees /proc/memory_lab shows no page block (pfn=0) to free: allocate it with alloc_pages(GFP_KERNEL, order) first (objective pages), then free it with __free_pages(pages, order) in memory_lab_exit"
  else echo "FAIL frees after insmod order=10 and rmmod only ${back} kB came back, not the 4096 kB block: call __free_pages(pages, order) in memory_lab_exit"; fi
else
  echo "FAIL frees insmod memory_lab.ko order=10 failed: $(cat $t/insmod.err)"
fi
rm -rf $t
