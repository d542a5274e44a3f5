/* uring_link.c (reference solution): copies SRC to DST with linked read -> write SQE pairs, BATCH
   pairs per io_uring_enter. */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK (64 * 1024)
#define BATCH 8 /* read+write pairs in flight per submit */

int main(int argc, char **argv)
{
    static char bufs[BATCH][BLOCK];
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
    ret = io_uring_queue_init(2 * BATCH, &ring, 0);
    if (ret < 0) {
        fprintf(stderr, "uring_link: io_uring_queue_init: %s\n", strerror(-ret));
        return 1;
    }

    while (offset < st.st_size) {
        int pairs = 0;
        /* Each pair: a read with IOSQE_IO_LINK, then the write that runs only once that read
           completed in full. Lengths come from the file size, so no read is short. */
        while (pairs < BATCH && offset < st.st_size) {
            unsigned len = st.st_size - offset < BLOCK ? (unsigned)(st.st_size - offset) : BLOCK;
            struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
            io_uring_prep_read(sqe, in, bufs[pairs], len, offset);
            sqe->flags |= IOSQE_IO_LINK;
            sqe = io_uring_get_sqe(&ring);
            io_uring_prep_write(sqe, out, bufs[pairs], len, offset);
            offset += len;
            pairs++;
        }
        /* One system call submits all the SQEs and waits for all their completions. */
        ret = io_uring_submit_and_wait(&ring, 2 * pairs);
        if (ret < 0) {
            fprintf(stderr, "uring_link: io_uring_submit_and_wait: %s\n", strerror(-ret));
            return 1;
        }
        for (int i = 0; i < 2 * pairs; i++) {
            struct io_uring_cqe *cqe;
            ret = io_uring_wait_cqe(&ring, &cqe);
            if (ret < 0) {
                fprintf(stderr, "uring_link: io_uring_wait_cqe: %s\n", strerror(-ret));
                return 1;
            }
            if (cqe->res < 0) {
                /* A failed read cancels its linked write: that one completes with -ECANCELED. */
                fprintf(stderr, "uring_link: %s\n", strerror(-cqe->res));
                return 1;
            }
            io_uring_cqe_seen(&ring, cqe);
        }
    }

    io_uring_queue_exit(&ring);
    close(in);
    close(out);
    return 0;
}
