// Pure checks behind the CLI's bad-input messages: each names what was wrong and what to do instead.
import { statSync } from 'node:fs';
import { UsageError } from './command';

/** `ring0 tracepoints FILTER` found nothing. */
export function noTracepointMessage(filter: string): string {
  if (!filter.trim()) return 'the guest kernel lists no tracepoints (is tracefs mounted in the VM?)';
  return `no tracepoint in the guest kernel matches '${filter}' (run 'ring0 tracepoints' for all of them, or 'ring0 tracepoints ${filter.split(':')[0]}' for a category)`;
}

/** Why `ring0 build bpf PATH` cannot compile PATH; undefined when it is a file. */
export function bpfSourceProblem(file: string): string | undefined {
  let st;
  try {
    st = statSync(file);
  } catch {
    return `${file} does not exist (build bpf takes a FILE.bpf.c)`;
  }
  if (st.isDirectory()) return `${file} is a directory: build bpf takes one FILE.bpf.c (a kernel module directory builds with 'ring0 build module ${file}')`;
  if (!st.isFile()) return `${file} is not a regular file (build bpf takes a FILE.bpf.c)`;
  return undefined;
}

/** A TCP port from the command line: 0 (any free port) to 65535. */
export function parsePort(text: string, option = '--port'): number {
  if (!/^\d{1,5}$/.test(text.trim()) || Number(text) > 65535) throw new UsageError(`${option} takes a port number from 0 to 65535 (0 picks a free one), not '${text}'`);
  return Number(text);
}
