// The daemon's crash-dump wiring: a guest reset or poweroff pauses QEMU instead of ending it, so that
// after a panic the memory is still there to dump; then the VM ends as before. Also `vm.dump` requests.
import type { QmpClient, QmpEvent } from './qmp';
import { saveDump, type DumpEntry } from './dumps';
import type { Vm } from './vm';

export const DEFAULT_DUMPS_KEEP = 3;

export interface DumpControlOptions {
  workspace: string;
  memoryMiB: number;
  keep: number;
  log: (msg: string) => void;
  onDump?: (d: DumpEntry) => void;
}

function dumpArgs(vm: Vm, o: DumpControlOptions) {
  return { workspace: o.workspace, release: vm.info.kernel.release, ...(vm.info.kernel.vmlinux ? { vmlinux: vm.info.kernel.vmlinux } : {}), memoryBytes: o.memoryMiB * (1 << 20), keep: o.keep };
}

/** Takes a dump now (the `vm.dump` control request). `file` comes from a control-socket client: checked. */
export function dumpNow(vm: Vm, o: DumpControlOptions, file?: unknown): Promise<DumpEntry> {
  if (file !== undefined && (typeof file !== 'string' || !file.startsWith('/') || !file.endsWith('.elf') || file.includes('\0'))) throw new Error('vm.dump: file must be an absolute path ending in .elf');
  return saveDump(vm.qmp, { ...dumpArgs(vm, o), ...(file ? { file: file as string } : {}), reason: 'on-demand' });
}

/** Arms dump-on-panic. QMP quit (ring0 vm stop) is not a guest shutdown and is left alone. */
export async function armPanicDumps(vm: Vm, qmp: QmpClient, o: DumpControlOptions): Promise<void> {
  await qmp.execute('set-action', { shutdown: 'pause' });
  let handled = false;
  qmp.on('event', (ev: QmpEvent) => {
    const data = ev.data as { guest?: boolean; reason?: string } | undefined;
    if (ev.event !== 'SHUTDOWN' || !data?.guest || handled) return;
    handled = true;
    void (async () => {
      await vm.serial.settled();
      const panic = vm.panic;
      if (panic && o.keep > 0) {
        try {
          const d = await saveDump(qmp, { ...dumpArgs(vm, o), reason: 'panic', summary: panic.summary });
          o.log(`panic dump saved: ${d.dump} (${d.sizeBytes} bytes)`);
          o.onDump?.(d);
        } catch (e) {
          o.log(`no panic dump: ${(e as Error).message}`);
        }
      }
      await vm.stop();
    })();
  });
}
