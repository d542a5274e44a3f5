// What extra QEMU arguments reach QEMU: a settings file's only from the allow-list, the person's own
// anything but a listener beyond loopback or a host helper (the probe's cases, each refused).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOwnQemuArgs, checkSettingsQemuArgs } from '../../kernel/vm/qemuArgPolicy';
import { coerceVmSettings } from '../../kernel/vm/settings';

const probe: string[][] = [
  ['-netdev', 'bridge,id=n0,br=br0,helper=/tmp/x.sh'],
  ['-vnc', ':0'],
  ['-spice', 'port=5900,disable-ticketing=on'],
  ['-chardev', 'socket,id=c0,host=0.0.0.0,port=4444,server=on,wait=off'],
  ['-gdb', 'tcp:0.0.0.0:1234,localhost'],
  ['-incoming', 'tcp:0.0.0.0:4444'],
  ['-nic', 'user,hostfwd=tcp::2222-:22'],
  ['-nic', 'user,guestfwd=tcp:10.0.2.100:80-cmd:id'],
  ['-s'],
];

describe('QEMU arguments from settings files', () => {
  it('refuses every option the probe used', () => {
    for (const args of probe) assert.throws(() => checkSettingsQemuArgs(args), /may only carry -device, -cpu, -machine, -M, -rtc/, args.join(' '));
  });

  it('refuses unknown devices, sub-options and the -opt=value spelling alike', () => {
    assert.throws(() => checkSettingsQemuArgs(['-device', 'e1000,netdev=n0']), /device 'e1000' is not one Ring0 knows/);
    assert.throws(() => checkSettingsQemuArgs(['-device', 'edu,chardev=x']), /sub-option 'chardev=x'/);
    assert.throws(() => checkSettingsQemuArgs(['-device=edu,romfile=/etc/shadow']), /sub-option 'romfile=/);
    assert.throws(() => checkSettingsQemuArgs(['-cpu', 'max,host-phys-bits=on;x']), /CPU flag/);
    assert.throws(() => checkSettingsQemuArgs(['-machine', 'q35,memory-backend=m']), /machine 'q35,memory-backend=m'/);
    assert.throws(() => checkSettingsQemuArgs(['-device']), /a value/);
  });

  it('takes what it understands', () => {
    assert.doesNotThrow(() => checkSettingsQemuArgs(['-device', 'edu', '-device=edu,id=e1,addr=5', '-cpu', 'max,+vmx,-svm,pmu=off', '-M', 'q35', '-rtc', 'base=utc,clock=vm']));
  });

  it('drops a refused ring0.vm.qemuArgs from settings with the reason', () => {
    const warnings: string[] = [];
    const s = coerceVmSettings({ 'ring0.vm.qemuArgs': ['-netdev', 'bridge,id=n0,helper=/bin/sh'] }, (m) => warnings.push(m));
    assert.equal(s.qemuArgs, undefined);
    assert.match(warnings.join('\n'), /refused '-netdev'.*--qemu-arg/s);
  });
});

describe('QEMU arguments from the person\'s own command line', () => {
  it('refuses listeners beyond loopback and host helpers', () => {
    for (const args of probe) assert.throws(() => checkOwnQemuArgs(args), /beyond 127\.0\.0\.1|all interfaces|runs a host command/, args.join(' '));
  });

  it('takes loopback and unix listeners and anything else', () => {
    assert.doesNotThrow(() => checkOwnQemuArgs(['-gdb', 'tcp:127.0.0.1:1234', '-vnc', '127.0.0.1:1', '-chardev', 'socket,id=c,path=/tmp/s,server=on',
      '-nic', 'user,hostfwd=tcp:127.0.0.1:2222-:22', '-device', 'e1000', '-spice', 'addr=127.0.0.1,port=5900']));
  });
});
