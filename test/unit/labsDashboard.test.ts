// The lab dashboard's message protocol: the host's state message passes the page's validator (and the
// empty catalog too); the host rejects page messages that are not a known action on a lab id.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadCatalog } from '../../labs/model/catalog';
import { summarizeTracks } from '../../labs/model/status';
import { dashboardState, isDashboardToPage, isPageToDashboard } from '../../views/protocol/labs';

describe('lab dashboard protocol', () => {
  const labs = loadCatalog().labs;
  const progress = {
    'module-hello': { started: '2026-11-29T10:00:00.000Z', lastCheck: { at: '2026-11-29T10:05:00.000Z', passed: false, objectives: [{ id: 'builds', text: 't', passed: true, message: 'built hello_lab.ko' }, { id: 'greets', text: 't', passed: false, message: 'no hello in dmesg' }] } },
  };
  const tracks = summarizeTracks(labs, progress, (l) => l.id === 'module-params' ? [{ key: 'kvm', label: 'needs KVM', met: false, detail: 'no /dev/kvm' }] : []);

  it('sends every track and lab with status, last result time, per-objective results and requirements', () => {
    const m = dashboardState({ workspace: '/tmp/ws/', tracks, errors: [] }, new Map([['module-hello', 'checking']]), new Date('2026-11-29T10:06:00.000Z'));
    assert.ok(isDashboardToPage(m));
    assert.equal(m.workspace, 'ws');
    const hello = m.tracks.flatMap((t) => t.labs).find((l) => l.id === 'module-hello')!;
    assert.deepEqual([hello.status, hello.lastCheckAt, hello.passedObjectives, hello.busy], ['failing', '2026-11-29T10:05:00.000Z', 1, 'checking']);
    assert.deepEqual(hello.objectives.find((o) => o.id === 'greets'), { id: 'greets', text: labs.find((l) => l.id === 'module-hello')!.objectives.find((o) => o.id === 'greets')!.text, passed: false, message: 'no hello in dmesg' });
    assert.deepEqual(m.tracks.flatMap((t) => t.labs).find((l) => l.id === 'module-params')!.requirements, [{ label: 'needs KVM', met: false, detail: 'no /dev/kvm' }]);
    assert.equal(m.tracks.reduce((n, t) => n + t.total, 0), labs.length);
  });

  it('validates the empty state and rejects malformed state', () => {
    assert.ok(isDashboardToPage(dashboardState({ workspace: undefined, tracks: [], errors: ['x/lab.json: id: bad'] }, new Map())));
    const good = dashboardState({ workspace: '/w', tracks, errors: [] }, new Map());
    const bad = JSON.parse(JSON.stringify(good)) as { tracks: { labs: { status: string }[] }[] };
    bad.tracks[0].labs[0].status = 'exploded';
    assert.equal(isDashboardToPage(bad), false);
    assert.equal(isDashboardToPage({ type: 'state' }), false);
  });

  it('accepts only known actions on well-formed lab ids from the page', () => {
    assert.ok(isPageToDashboard({ type: 'ready' }));
    for (const type of ['start', 'check', 'open', 'reset']) assert.ok(isPageToDashboard({ type, id: 'module-hello' }), type);
    assert.equal(isPageToDashboard({ type: 'check' }), false);
    assert.equal(isPageToDashboard({ type: 'check', id: '../../etc' }), false);
    assert.equal(isPageToDashboard({ type: 'runShell', id: 'module-hello' }), false);
    assert.equal(isPageToDashboard('check'), false);
    assert.equal(isPageToDashboard(null), false);
  });
});
