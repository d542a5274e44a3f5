#!/bin/sh
# Checker for the module-mmap lab, run in the guest from the lab folder: PASS/FAIL <objective> <message>.
# Its own user program (compiled in the guest with the host's cc) maps /dev/mmap_lab and checks it.
t=/tmp/r0-mmap
rm -rf $t; mkdir -p $t
rmmod mmap_lab 2>/dev/null
if ! insmod mmap_lab.ko 2>$t/insmod.err; then
  for o in maps contents shared bounds; do echo "FAIL $o insmod mmap_lab.ko failed: $(cat $t/insmod.err)"; done
  exit 0
fi
cat > $t/t.c <<'C'
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#define PG 4096
#define SIZE (4 * PG)
static int page_ok(const char *p, int i)
{
	char want[64];
	snprintf(want, sizeof want, "mmap_lab page %d: hello from the kernel\n", i);
	return strncmp(p, want, strlen(want)) == 0;
}
int main(void)
{
	int fd = open("/dev/mmap_lab", O_RDWR);
	if (fd < 0) {
		printf("FAIL maps open /dev/mmap_lab: %s\n", strerror(errno));
		return 0;
	}
	char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		const char *why = strerror(errno);
		printf("FAIL maps mmap of the 16 KiB buffer failed (%s): implement mmap_lab_mmap with remap_pfn_range()\n", why);
		printf("FAIL contents cannot check the contents: mmap failed (%s)\n", why);
		printf("FAIL shared cannot check writes through the mapping: mmap failed (%s)\n", why);
		printf("FAIL bounds cannot check the bounds: mmap of the whole buffer failed (%s)\n", why);
		return 0;
	}
	printf("PASS maps mmap(16 KiB, MAP_SHARED) of /dev/mmap_lab worked\n");
	int bad = -1;
	for (int i = 0; i < 4 && bad < 0; i++)
		if (!page_ok(p + i * PG, i)) bad = i;
	char *q = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 3 * PG);
	if (bad >= 0)
		printf("FAIL contents page %d of the mapping does not start with 'mmap_lab page %d: hello from the kernel' (got '%.40s'): map pfn virt_to_phys(buf) >> PAGE_SHIFT\n", bad, bad, p + bad * PG);
	else if (q == MAP_FAILED)
		printf("FAIL contents mmap of one page at offset 12288 failed (%s): the offset comes in vma->vm_pgoff (in pages)\n", strerror(errno));
	else if (!page_ok(q, 3))
		printf("FAIL contents a mapping at offset 12288 shows '%.40s', not page 3: add vma->vm_pgoff to the pfn\n", q);
	else
		printf("PASS contents all 4 kernel pages are visible in order, and a mapping at offset 12288 starts at page 3\n");
	const char msg[] = "written through the mapping by pid ";
	char mine[64], back[64] = { 0 };
	snprintf(mine, sizeof mine, "%s%d", msg, (int)getpid());
	strcpy(p + 2 * PG + 100, mine);
	munmap(p, SIZE);
	if (lseek(fd, 2 * PG + 100, SEEK_SET) < 0 || read(fd, back, strlen(mine)) != (ssize_t)strlen(mine))
		printf("FAIL shared read() of /dev/mmap_lab at offset %d failed: %s\n", 2 * PG + 100, strerror(errno));
	else if (strcmp(back, mine) != 0)
		printf("FAIL shared wrote '%s' through the mapping, but the kernel buffer has '%s': map the buffer itself (MAP_SHARED), not a copy\n", mine, back);
	else
		printf("PASS shared a write through the mapping is in the kernel's buffer (read() sees it): one copy of the data, shared\n");
	errno = 0;
	void *big = mmap(NULL, 2 * SIZE, PROT_READ, MAP_SHARED, fd, 0);
	int e1 = errno;
	void *past = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, SIZE);
	int e2 = errno;
	if (big != MAP_FAILED)
		printf("FAIL bounds mmap of 32 KiB (twice the buffer) worked: it would expose memory after the buffer; return -EINVAL when vm_pgoff pages + size exceed BUF_SIZE\n");
	else if (past != MAP_FAILED)
		printf("FAIL bounds mmap of a page at offset 16384 (past the end) worked: check vma->vm_pgoff too\n");
	else if (e1 != EINVAL || e2 != EINVAL)
		printf("FAIL bounds mappings past the buffer failed, but with %s / %s instead of EINVAL\n", strerror(e1), strerror(e2));
	else
		printf("PASS bounds mappings larger than the buffer or past its end fail with EINVAL\n");
	close(fd);
	return 0;
}
C
if cc -O1 -o $t/t $t/t.c 2>$t/cc.err; then
  $t/t
else
  echo "FAIL maps the checker's test program did not compile in the guest: $(head -3 $t/cc.err)"
fi
rmmod mmap_lab 2>/dev/null || echo "INFO rmmod mmap_lab failed"
rm -rf $t
