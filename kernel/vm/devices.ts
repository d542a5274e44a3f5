// Extra QEMU devices a VM can be started with (`ring0 vm start --device edu`, ring0.vm.devices): an
// allow-list of device models, their -device arguments, and which ones a running VM has.

/** Device name → what it is. Only these can be added by name; anything else needs --qemu-arg. */
export const KNOWN_DEVICES: Readonly<Record<string, string>> = {
  edu: "QEMU's educational PCI device (1234:11e8): ID and liveness registers, factorial, interrupts, DMA",
};

export function isKnownDevice(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(KNOWN_DEVICES, name);
}

/** Throws a message listing the allowed names when one is unknown. */
export function validateDevices(names: readonly string[]): void {
  for (const n of names) {
    if (!isKnownDevice(n)) throw new Error(`unknown device '${n}'; Ring0 can add: ${Object.keys(KNOWN_DEVICES).join(', ')} (other QEMU options go through --qemu-arg)`);
  }
}

/** QEMU arguments for the devices, duplicates dropped. */
export function deviceArgs(names: readonly string[]): string[] {
  return [...new Set(names)].flatMap((n) => ['-device', n]);
}

/** Known device models named by -device in raw QEMU arguments (`-device edu,addr=5` counts as edu). */
export function devicesInQemuArgs(extra: readonly string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < extra.length; i++) {
    let v: string | undefined;
    if (extra[i] === '-device') v = extra[i + 1];
    else if (extra[i].startsWith('-device=')) v = extra[i].slice('-device='.length);
    const model = v?.split(',')[0];
    if (model && isKnownDevice(model)) found.push(model);
  }
  return found;
}

/** The devices a VM has: the devices setting plus known models in its raw QEMU arguments. */
export function effectiveDevices(devices: readonly string[], extra: readonly string[]): string[] {
  return [...new Set([...devices, ...devicesInQemuArgs(extra)])];
}

/** Devices `required` that the VM lacks. */
export function missingDevices(required: readonly string[], have: readonly string[]): string[] {
  return required.filter((d) => !have.includes(d));
}

/** How to get a VM with the devices: the command line and the workspace setting. */
export function restartHint(devices: readonly string[]): string {
  return `restart the VM with them: ring0 vm stop && ring0 vm start ${devices.map((d) => `--device ${d}`).join(' ')} (or add "ring0.vm.devices": ${JSON.stringify(devices)} to .vscode/settings.json)`;
}
