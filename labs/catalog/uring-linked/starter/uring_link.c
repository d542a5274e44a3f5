/* uring_link.c: copies SRC to DST with io_uring. This is the naive version from uring-copy — it
   works, but every block costs two round trips (read -> wait -> write -> wait). Make the kernel
   chain the write after the read itself, and submit many such chains per system call.
   Build: cc -O2 -Wall -o /tmp/uring_link uring_link.c -luring     Run: /tmp/uring_link SRC DST */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK (64 * 1024)
#define BATCH 8 /* TODO 1: use this many read+write pairs per submit, one buffer per pair */

static int submit_and_wait(struct io_uring *ring)
{
    struct io_uring_cqe *cqe;
    int ret = io_uring_submit(ring);
    if (ret < 0)
        return ret;
    ret = io_uring_wait_cqe(ring, &cqe);
    if (ret < 0)
        return ret;
    ret = cqe->res;
    io_uring_cqe_seen(ring, cqe);
    return ret;
}

int main(int argc, char **argv)
{
    static char buf[BLOCK]; /* TODO 1: one buffer per pair in flight: bufs[BATCH][BLOCK] */
    struct io_uring ring;
    struct stat st;
    off_t offset = 0;
    int in, out, ret;

    if (argc != 3) {
        fprintf(stderr, "usage: %s SRC DST\n", argv[0]);
        return 2;
    }
    in = open(argv[1], O_RDONLY);
    if (in < 0 || fstat(in, &st) < 0) {
        fprintf(stderr, "uring_link: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        fprintf(stderr, "uring_link: %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    /* TODO 1: room for 2 * BATCH SQEs. */
    ret = io_uring_queue_init(4, &ring, 0);
    if (ret < 0) {
        fprintf(stderr, "uring_link: io_uring_queue_init: %s\n", strerror(-ret));
        return 1;
    }

    /* TODO 2: replace this loop. For up to BATCH blocks at a time:
         - compute the block's length from st.st_size (so no read comes back short),
         - prepare the read, and set IOSQE_IO_LINK in sqe->flags: the NEXT SQE then starts only
           after this one completed successfully (a failed or short read cancels it),
         - prepare the write of the same buffer, length and offset (no link flag: the chain ends),
       then submit them all and wait for every completion with ONE call:
       io_uring_submit_and_wait(&ring, 2 * pairs).
       TODO 3: reap the 2 * pairs CQEs (io_uring_wait_cqe / io_uring_cqe_seen); a negative res is
       -errno (a write cancelled by its failed read reports -ECANCELED): print it, exit 1. */
    while (offset < st.st_size) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
        io_uring_prep_read(sqe, in, buf, BLOCK, offset);
        int n = submit_and_wait(&ring);
        if (n < 0) {
            fprintf(stderr, "uring_link: read: %s\n", strerror(-n));
            return 1;
        }
        if (n == 0)
            break;
        for (int done = 0; done < n;) {
            sqe = io_uring_get_sqe(&ring);
            io_uring_prep_write(sqe, out, buf + done, n - done, offset + done);
            int w = submit_and_wait(&ring);
            if (w < 0) {
                fprintf(stderr, "uring_link: write: %s\n", strerror(-w));
                return 1;
            }
            done += w;
        }
        offset += n;
    }

    io_uring_queue_exit(&ring);
    close(in);
    close(out);
    return 0;
}
