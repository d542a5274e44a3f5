/* uring_cp.c: copies SRC to DST with io_uring, one block at a time: read -> wait -> write -> wait.
   Build: cc -O2 -Wall -o /tmp/uring_cp uring_cp.c -luring     Run: /tmp/uring_cp SRC DST */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define QUEUE_DEPTH 4
#define BLOCK (64 * 1024)

/* Submits the prepared SQE, waits for its completion and returns cqe->res (bytes, or -errno). */
static int submit_and_wait(struct io_uring *ring)
{
    /* TODO 2: io_uring_submit(ring) hands the SQE to the kernel (one io_uring_enter system call);
       io_uring_wait_cqe(ring, &cqe) waits for a completion; keep cqe->res, then mark the CQE
       consumed with io_uring_cqe_seen(ring, cqe) so its slot can be reused. Return a negative
       value if submit or wait themselves fail. */
    (void)ring;
    return 0;
}

int main(int argc, char **argv)
{
    static char buf[BLOCK];
    struct io_uring ring;
    off_t offset = 0;
    int in, out;

    if (argc != 3) {
        fprintf(stderr, "usage: %s SRC DST\n", argv[0]);
        return 2;
    }
    in = open(argv[1], O_RDONLY);
    if (in < 0) {
        fprintf(stderr, "uring_cp: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        fprintf(stderr, "uring_cp: %s: %s\n", argv[2], strerror(errno));
        return 1;
    }

    /* TODO 1: set up the ring with io_uring_queue_init(QUEUE_DEPTH, &ring, 0). It returns -errno
       on failure: print strerror(-ret) and exit 1. */

    for (;;) {
        /* TODO 3: get an SQE (io_uring_get_sqe), prepare a read of up to BLOCK bytes from `in` at
           `offset` into buf (io_uring_prep_read), and submit_and_wait. The result n is the byte
           count: 0 at end of file, negative (-errno) on error: print strerror(-n) and exit 1. */
        int n = 0;
        if (n == 0)
            break;

        /* TODO 4: write the n bytes to `out` at `offset` the same way (io_uring_prep_write). A
           write may be short: loop until all n bytes are written. Check errors like the read. */

        offset += n;
    }

    /* TODO 5: io_uring_queue_exit(&ring) unmaps the rings and closes the ring's fd. */
    close(in);
    close(out);
    return 0;
}
