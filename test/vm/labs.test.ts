// The kernel-module and device-driver labs in one real VM (started with the devices they need), plus the
// oops-survival and missing-device checks those labs make possible. See labSuite.ts.
import { labSuite } from './labSuite';

const TRACKS = ['kernel modules', 'device drivers'];
labSuite('module and driver labs in the VM', (l) => !!l.checker.guest && TRACKS.includes(l.track.toLowerCase()), { extras: true });
