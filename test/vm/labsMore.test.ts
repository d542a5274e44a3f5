// Every other lab with a guest checker (eBPF, io_uring, containers, KVM, user space meets the kernel) in
// its own real VM, so neither file runs past the per-file timeout. See labSuite.ts.
import { labSuite } from './labSuite';

const TRACKS = ['kernel modules', 'device drivers'];
labSuite('other labs in the VM', (l) => !!l.checker.guest && !TRACKS.includes(l.track.toLowerCase()));
