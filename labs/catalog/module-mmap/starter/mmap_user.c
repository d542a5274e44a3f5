// mmap_user: maps /dev/mmap_lab and prints the first line of each page, then writes a reply into
// page 2 — no read() or write() calls, no copies. Build and run it in the VM:
//   cc -o /tmp/mmap_user mmap_user.c && /tmp/mmap_user
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define SIZE (16 * 1024)

int main(void)
{
	int fd = open("/dev/mmap_lab", O_RDWR);
	if (fd < 0) {
		perror("open /dev/mmap_lab (is mmap_lab.ko loaded?)");
		return 1;
	}
	char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (int i = 0; i < SIZE / 4096; i++)
		printf("%.*s", (int)strcspn(p + i * 4096, "\n") + 1, p + i * 4096);
	strcpy(p + 2 * 4096 + 100, "hello from user space");
	printf("wrote a reply at offset %d; see it with: dd if=/dev/mmap_lab bs=1 skip=%d count=21\n", 2 * 4096 + 100, 2 * 4096 + 100);
	munmap(p, SIZE);
	close(fd);
	return 0;
}
