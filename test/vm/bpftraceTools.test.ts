// Shipped bpftrace tools, part 1: runqlat --duration 3000 on a fresh VM, then six tools against a busy guest
// (see bpftraceToolsSuite.ts; part 2 is bpftraceTools2.test.ts).
import { hasHist, hasKey, printed, toolsSuite } from './bpftraceToolsSuite';

toolsSuite('bpftrace tools in the VM (1/2): ring0 bpftrace --tool', [
  { tool: 'execsnoop', check: printed(/\d+\s+\d+\s+(ls -l|sleep 0\.05|cat \/proc)/) },
  { tool: 'opensnoop', check: printed(/\b(ls|cat)\s+-?\d+\s+-?\d+\s+\//) },
  { tool: 'syscount', check: hasKey('@process', /^(ls|cat|sh|sleep)$/) },
  { tool: 'vfscount', check: hasKey('@', /vfs_/) },
  { tool: 'cpuwalk', check: hasHist('@cpu') },
  { tool: 'loads', check: printed(/load averages: \d+\.\d+ \d+\.\d+ \d+\.\d+/) },
], { runqlatFresh: true });
