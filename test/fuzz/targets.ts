// Every fuzz target, for the unit tier's bounded run and `npm run fuzz`.
import type { FuzzTarget } from './harness';
import { BINARY_TARGETS } from './targetsBinary';
import { TEXT_TARGETS } from './targetsText';

export const TARGETS: FuzzTarget[] = [...TEXT_TARGETS, ...BINARY_TARGETS];
