/* uring_cp.c (reference solution): copies SRC to DST with io_uring, one block at a time:
   read -> wait -> write -> wait. */
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
    static char buf[BLOCK];
    struct io_uring ring;
    off_t offset = 0;
    int in, out, ret;

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
    ret = io_uring_queue_init(QUEUE_DEPTH, &ring, 0);
    if (ret < 0) {
        fprintf(stderr, "uring_cp: io_uring_queue_init: %s\n", strerror(-ret));
        return 1;
    }

    for (;;) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
        io_uring_prep_read(sqe, in, buf, BLOCK, offset);
        int n = submit_and_wait(&ring);
        if (n < 0) {
            fprintf(stderr, "uring_cp: read %s: %s\n", argv[1], strerror(-n));
            return 1;
        }
        if (n == 0)
            break; /* end of file */
        for (int done = 0; done < n;) {
            sqe = io_uring_get_sqe(&ring);
            io_uring_prep_write(sqe, out, buf + done, n - done, offset + done);
            int w = submit_and_wait(&ring);
            if (w < 0) {
                fprintf(stderr, "uring_cp: write %s: %s\n", argv[2], strerror(-w));
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
