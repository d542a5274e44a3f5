// `ring0 new module|bpf`: starter sources that build as they are (a hello-world module; a CO-RE
// tracepoint program counting into a hash map).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,55}$/;

function checkName(name: string): void {
  if (!NAME.test(name)) throw new Error(`'${name}' is not a valid name: use letters, digits and _ (a C identifier)`);
}

export function moduleMakefile(name: string): string {
  return `# Build with 'ring0 build module' (or: make -C /lib/modules/$(uname -r)/build M=$PWD modules).
obj-m += ${name}.o

KDIR ?= /lib/modules/$(shell uname -r)/build

all:
\t$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
\t$(MAKE) -C $(KDIR) M=$(CURDIR) clean
`;
}

export function moduleSource(name: string): string {
  return `// ${name}: a minimal kernel module. Load it with 'ring0 load ${name}.ko', see its messages with dmesg.
#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static char *whom = "world";
module_param(whom, charp, 0444);
MODULE_PARM_DESC(whom, "who to greet");

static int __init ${name}_init(void)
{
\tpr_info("${name}: hello, %s\\n", whom);
\treturn 0;
}

static void __exit ${name}_exit(void)
{
\tpr_info("${name}: goodbye, %s\\n", whom);
}

module_init(${name}_init);
module_exit(${name}_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("You");
MODULE_DESCRIPTION("${name}: hello world");
`;
}

export function bpfSource(name: string): string {
  return `// ${name}: counts openat() calls per process into a hash map (CO-RE, needs vmlinux.h from
// 'ring0 build bpf'). Load it with 'ring0 load ${name}.bpf.o' and read the map with bpftool.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct {
\t__uint(type, BPF_MAP_TYPE_HASH);
\t__uint(max_entries, 10240);
\t__type(key, u32);
\t__type(value, u64);
} ${name}_counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_openat")
int ${name}(struct trace_event_raw_sys_enter *ctx)
{
\tu32 tgid = bpf_get_current_pid_tgid() >> 32;
\tu64 one = 1, *count;

\tcount = bpf_map_lookup_elem(&${name}_counts, &tgid);
\tif (count)
\t\t__sync_fetch_and_add(count, 1);
\telse
\t\tbpf_map_update_elem(&${name}_counts, &tgid, &one, BPF_NOEXIST);
\treturn 0;
}
`;
}

function writeNew(file: string, text: string): void {
  if (existsSync(file)) throw new Error(`${file} already exists; not overwriting it`);
  writeFileSync(file, text);
}

/** Creates DIR/NAME/{Makefile,NAME.c}; returns the files written. */
export function newModule(name: string, parent: string): string[] {
  checkName(name);
  const dir = path.resolve(parent, name);
  mkdirSync(dir, { recursive: true });
  const files = [path.join(dir, 'Makefile'), path.join(dir, `${name}.c`)];
  writeNew(files[0], moduleMakefile(name));
  writeNew(files[1], moduleSource(name));
  return files;
}

/** Creates DIR/NAME.bpf.c; returns its path. */
export function newBpf(name: string, parent: string): string {
  checkName(name);
  mkdirSync(path.resolve(parent), { recursive: true });
  const file = path.resolve(parent, `${name}.bpf.c`);
  writeNew(file, bpfSource(name));
  return file;
}
