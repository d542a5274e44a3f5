// The observe features' shared services, built once in register.ts and handed to their commands.
import type { BpfController } from '../bpfController';
import type { GuestAgent } from './guestAgent';
import type { MapAccess } from './mapAccess';
import type { TracepointsController } from './tracepoints';

export interface ObserveServices {
  guest: GuestAgent;
  bpf: BpfController;
  maps: MapAccess;
  tracepoints: TracepointsController;
}
