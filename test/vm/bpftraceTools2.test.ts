// Shipped bpftrace tools, part 2: six more tools against a busy guest (see bpftraceToolsSuite.ts).
import { hasHist, hasKey, hasValue, printed, toolsSuite } from './bpftraceToolsSuite';

toolsSuite('bpftrace tools in the VM (2/2): ring0 bpftrace --tool', [
  { tool: 'dcsnoop', check: printed(/\b(ls|cat)\s+[RM]\s+\S/) },
  { tool: 'pidpersec', check: hasValue('@') },
  { tool: 'statsnoop', check: printed(/\bls\b/) },
  { tool: 'vfsstat', check: hasKey('@', /vfs_(read|write|open)/) },
  { tool: 'runqlen', check: hasHist('@runqlen') },
  { tool: 'killsnoop', check: printed(/\bsh\s+0\s+\d+/) },
]);
