// Runs inside the real extension host (mocha): Ring0 activates, registers every declared command,
// opens the Doctor panel, and its settings read back with package.json's defaults.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS, SETTINGS } from '../../../extension/manifest';

const EXTENSION_ID = 'ring0.ring0';
const DOCTOR_TITLE = 'Ring0: About / Doctor';

function ring0(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded; extensions: ${vscode.extensions.all.map((e) => e.id).join(', ')}`);
  return ext;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Ring0 in the extension host', () => {
  before(async () => {
    await ring0().activate();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates', () => {
    assert.equal(ring0().isActive, true);
  });

  it('registers every command declared in extension/manifest.ts', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = COMMANDS.map((c) => c.id as string).filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `declared in COMMANDS but not registered: ${missing.join(', ')}`);
  });

  it('contributes the same commands in package.json', () => {
    const contributed = (ring0().packageJSON.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    assert.deepEqual(contributed, COMMANDS.map((c) => c.id as string).sort());
  });

  it('ring0.showDoctor opens a webview panel titled "Ring0: About / Doctor"', async () => {
    await vscode.commands.executeCommand('ring0.showDoctor');
    const tab = await until('the Doctor tab', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === DOCTOR_TITLE));
    assert.ok(tab.input instanceof vscode.TabInputWebview, `the Doctor tab is not a webview: ${JSON.stringify(tab.input)}`);
    assert.match(tab.input.viewType, /ring0\.doctor$/);
    assert.equal(tab.isActive, true);
  });

  it('ring0.showDoctor twice reveals the same panel', async () => {
    await vscode.commands.executeCommand('ring0.showDoctor');
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === DOCTOR_TITLE);
    assert.equal(tabs.length, 1);
  });

  it('reads every ring0 setting back with its package.json default', () => {
    const properties = ring0().packageJSON.contributes.configuration.properties as Record<string, { default: unknown }>;
    const config = vscode.workspace.getConfiguration();
    for (const { key } of SETTINGS) {
      assert.ok(key in properties, `${key} is in SETTINGS but not contributed`);
      assert.deepEqual(config.inspect(key)?.defaultValue, properties[key].default, `${key} default`);
      assert.deepEqual(config.get(key), properties[key].default, `${key} effective value in an empty workspace`);
    }
    assert.deepEqual(Object.keys(properties).sort(), SETTINGS.map((s) => s.key).sort());
  });
});
