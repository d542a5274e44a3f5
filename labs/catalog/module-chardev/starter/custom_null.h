/* custom_null.h: the ioctl interface of /dev/custom_null, shared by the module and user programs. */
#ifndef CUSTOM_NULL_H
#define CUSTOM_NULL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Returns (in a __u64) how many bytes were written to the device since it was loaded or reset. */
#define CUSTOM_NULL_GET_COUNT _IOR('N', 1, __u64)
/* Sets the count back to 0. */
#define CUSTOM_NULL_RESET _IO('N', 2)

#endif
