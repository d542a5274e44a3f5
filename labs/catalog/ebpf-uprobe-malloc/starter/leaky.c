// leaky: allocates ten 4242-byte blocks and frees seven of them, so three leak. The lab's checker
// runs the same program; build and run it in the VM: cc -o /tmp/leaky leaky.c && /tmp/leaky
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char *blocks[10];

	for (int i = 0; i < 10; i++) {
		blocks[i] = malloc(4242);
		memset(blocks[i], i, 4242);
	}
	for (int i = 0; i < 7; i++)
		free(blocks[i]);
	printf("%d\n", (int)getpid());
	return 0;
}
