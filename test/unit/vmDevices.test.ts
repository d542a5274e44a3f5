// Extra QEMU devices: the allow-list, the -device arguments, the setting and the --device flag,
// and which devices a VM has when they come from raw QEMU arguments.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { UsageError, type Invocation } from '../../cli/command';
import { settingsFrom } from '../../cli/commands/vm';
import { deviceArgs, devicesInQemuArgs, effectiveDevices, missingDevices, restartHint, validateDevices } from '../../kernel/vm/devices';
import { qemuArgs, type QemuSpec } from '../../kernel/vm/qemuArgs';
import { coerceVmSettings, DEFAULT_VM_SETTINGS } from '../../kernel/vm/settings';
import { bootOptions } from '../../kernel/vm/vm';

const spec: QemuSpec = {
  name: 'ring0:t', accel: 'tcg', memoryMiB: 512, cpus: 1, kernel: '/boot/vmlinuz', initrd: '/tmp/i', kernelArgs: [],
  sockets: { qmp: '/r/qmp.sock', agent: '/r/agent.sock', serial: '/r/serial.sock', serialLog: '/r/serial.log' }, shares: [], extra: ['-foo'],
};

describe('QEMU devices', () => {
  it('accepts edu and names the allowed devices for anything else', () => {
    assert.doesNotThrow(() => validateDevices(['edu']));
    assert.throws(() => validateDevices(['edu', 'e1000']), /unknown device 'e1000'; Ring0 can add: edu \(other QEMU options go through --qemu-arg\)/);
    assert.throws(() => validateDevices(['edu,addr=5']), /unknown device/);
  });

  it('adds each device once as -device NAME, before the user\'s own arguments', () => {
    assert.deepEqual(deviceArgs(['edu', 'edu']), ['-device', 'edu']);
    const args = qemuArgs({ ...spec, devices: ['edu'] });
    const i = args.indexOf('edu');
    assert.equal(args[i - 1], '-device');
    assert.equal(args.at(-1), '-foo');
    assert.ok(!qemuArgs(spec).includes('edu'));
  });

  it('recognizes known devices in raw QEMU arguments', () => {
    assert.deepEqual(devicesInQemuArgs(['-device', 'edu,addr=0x6', '-device', 'virtio-rng-pci', '-device=edu', '-m', 'edu']), ['edu', 'edu']);
    assert.deepEqual(effectiveDevices(['edu'], ['-device', 'edu']), ['edu']);
    assert.deepEqual(effectiveDevices([], ['-device', 'edu']), ['edu']);
    assert.deepEqual(effectiveDevices([], []), []);
  });

  it('lists what is missing and how to restart with it', () => {
    assert.deepEqual(missingDevices(['edu'], []), ['edu']);
    assert.deepEqual(missingDevices(['edu'], ['edu']), []);
    assert.equal(restartHint(['edu']), 'restart the VM with them: ring0 vm stop && ring0 vm start --device edu (or add "ring0.vm.devices": ["edu"] to .vscode/settings.json)');
  });

  it('takes ring0.vm.devices from settings only when every name is allowed', () => {
    const warnings: string[] = [];
    assert.deepEqual(coerceVmSettings({ 'ring0.vm.devices': ['edu'] }, (m) => warnings.push(m)), { devices: ['edu'] });
    assert.deepEqual(coerceVmSettings({ 'ring0.vm.devices': ['edu', 'nic'] }, (m) => warnings.push(m)), {});
    assert.deepEqual(coerceVmSettings({ 'ring0.vm.devices': 'edu' }, (m) => warnings.push(m)), {});
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /ring0\.vm\.devices should be an array of device names from: edu/);
    assert.deepEqual(bootOptions('/ws', { ...DEFAULT_VM_SETTINGS, devices: ['edu'] }).devices, ['edu']);
    assert.deepEqual(bootOptions('/ws', { ...DEFAULT_VM_SETTINGS, devices: undefined }).devices, []);
  });
});

describe('--device flag', () => {
  const inv = (values: Invocation['values'], cwd: string): Invocation => ({
    values, positionals: [], rest: [], io: { out: () => undefined, err: () => undefined, interactive: false, cwd, env: {} },
  });

  it('adds devices to the workspace setting and rejects unknown ones as a usage error', () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'ring0-dev-'));
    try {
      assert.deepEqual(settingsFrom(inv({ device: ['edu'] }, ws)).devices, ['edu']);
      assert.deepEqual(settingsFrom(inv({}, ws)).devices, []);
      assert.throws(() => settingsFrom(inv({ device: ['floppy'] }, ws)), (e: Error) => e instanceof UsageError && /--device: unknown device 'floppy'; Ring0 can add: edu/.test(e.message));
      mkdirSync(path.join(ws, '.vscode'));
      writeFileSync(path.join(ws, '.vscode', 'settings.json'), '{ "ring0.vm.devices": ["edu"] }');
      assert.deepEqual(settingsFrom(inv({}, ws)).devices, ['edu']);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
