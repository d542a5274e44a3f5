// The labs checked on the host (bootloader and toy kernel: each boots its own QEMU), in a workspace with
// no Ring0 VM at all. See labSuite.ts.
import { labSuite } from './labSuite';

labSuite('host-checked labs, no VM', (l) => !l.checker.guest);
