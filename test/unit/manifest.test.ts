// Checks the TypeScript declarations in extension/manifest.ts against package.json's contributes.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS, COMMAND_CATEGORY, CONTEXT_KEYS, DEBUG_TYPE, SETTINGS, VIEWS, VIEW_CONTAINER, VIEW_ITEMS, WALKTHROUGH, WALKTHROUGH_LAB } from '../../extension/manifest';
import { loadCatalog } from '../../labs/model/catalog';
import { DEFAULT_VM_SETTINGS, VM_SETTING_KEYS } from '../../kernel/vm/settings';
import { localizedPackageJson } from '../manifestStrings';
import { WORKSPACE_PATTERNS } from '../../extension/workspaceKind';

const root = path.resolve(__dirname, '..', '..', '..');
// English strings filled in from package.nls.json.
const pkg = localizedPackageJson();
const contributes = pkg.contributes;

describe('package.json contributes', () => {
  it('declares exactly the commands of manifest.ts, with their titles and category', () => {
    const declared = contributes.commands.map((c: { command: string; title: string; category: string }) => [c.command, c.title, c.category]);
    assert.deepEqual(declared, COMMANDS.map((c) => [c.id, c.title, COMMAND_CATEGORY]));
    for (const c of COMMANDS) assert.ok(c.id.startsWith('ring0.'), c.id);
  });

  it('hides palette-less commands from the command palette', () => {
    const hidden = new Set(contributes.menus.commandPalette.filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command));
    assert.deepEqual([...hidden].sort(), COMMANDS.filter((c) => c.hiddenFromPalette).map((c) => c.id).sort());
  });

  it('has the Ring0 activity-bar container with the views of manifest.ts', () => {
    assert.deepEqual(contributes.viewsContainers.activitybar.map((c: { id: string }) => c.id), [VIEW_CONTAINER]);
    assert.equal(contributes.viewsContainers.activitybar[0].title, 'Ring0');
    assert.deepEqual(contributes.views[VIEW_CONTAINER].map((v: { id: string; name: string }) => [v.id, v.name]), VIEWS.map((v) => [v.id, v.name]));
  });

  it('gives every view welcome content that links to a declared command, in every VM state', () => {
    const ids = new Set(COMMANDS.map((c) => c.id));
    const keys = new Set<string>(CONTEXT_KEYS);
    for (const v of VIEWS) {
      const welcome = contributes.viewsWelcome.filter((w: { view: string }) => w.view === v.id) as { contents: string; when?: string }[];
      assert.ok(welcome.length >= 1, `welcome content for ${v.id}`);
      // Restricted Mode's explanation, then for a trusted workspace either one entry or entries
      // covering running and not running.
      assert.deepEqual(welcome.filter((w) => w.when === '!isWorkspaceTrusted').length, 1, `${v.id} explains Restricted Mode`);
      const trusted = welcome.filter((w) => w.when !== '!isWorkspaceTrusted');
      for (const w of trusted) assert.match(w.when ?? '', /^isWorkspaceTrusted\b/, `${v.id}: trusted-only content says so`);
      if (trusted.length > 1) {
        assert.deepEqual(trusted.map((w) => w.when).sort(), ['isWorkspaceTrusted && ring0.vmState != running', 'isWorkspaceTrusted && ring0.vmState == running'], v.id);
      } else {
        assert.equal(trusted[0]?.when, 'isWorkspaceTrusted', v.id);
      }
      for (const w of welcome) {
        for (const k of (w.when ?? '').match(/ring0\.[\w.]+/g) ?? []) assert.ok(keys.has(k), `${k} is a declared context key`);
        const links = [...w.contents.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]);
        assert.ok(links.length > 0, `${v.id} welcome links to a command`);
        for (const l of links) assert.ok(ids.has(l as never) || l === 'workbench.trust.manage', `${l} is declared`);
      }
    }
  });

  it('uses only declared context keys, view items and commands in menus', () => {
    const ids = new Set<string>(COMMANDS.map((c) => c.id));
    const keys = new Set<string>([...CONTEXT_KEYS, ...VIEW_ITEMS]);
    const menus = Object.values(contributes.menus).flat() as { command: string; when?: string }[];
    for (const m of menus) {
      assert.ok(ids.has(m.command), `${m.command} is declared`);
      for (const k of (m.when ?? '').match(/ring0\.[\w.]+/g) ?? []) assert.ok(keys.has(k) || ids.has(k) || VIEWS.some((v) => v.id === k), `${k} is a declared context key`);
    }
  });

  it('has the first-lab walkthrough: packaged markdown media, steps completed by declared commands, links to declared commands and a real lab', () => {
    const ids = new Set<string>(COMMANDS.map((c) => c.id));
    const keys = new Set<string>(CONTEXT_KEYS);
    const w = contributes.walkthroughs.find((x: { id: string }) => x.id === WALKTHROUGH);
    assert.ok(w, WALKTHROUGH);
    assert.ok(loadCatalog().labs.some((l) => l.id === WALKTHROUGH_LAB), `lab ${WALKTHROUGH_LAB} exists`);
    const ignore = readFileSync(path.join(root, '.vscodeignore'), 'utf8');
    assert.match(ignore, /^!media\/walkthrough\/\*\*$/m, 'the walkthrough media is packaged');
    const completedBy: string[] = [];
    for (const step of w.steps as { id: string; description: string; media: { markdown?: string }; completionEvents: string[] }[]) {
      assert.ok(step.media.markdown && existsSync(path.join(root, step.media.markdown)), `${step.id}: media ${step.media.markdown}`);
      assert.ok(step.completionEvents.length > 0, `${step.id} has completion events`);
      for (const e of step.completionEvents) {
        const cmd = /^onCommand:(.+)$/.exec(e)?.[1];
        if (cmd) {
          assert.ok(ids.has(cmd), `${step.id}: ${cmd} is declared`);
          completedBy.push(cmd);
        } else {
          for (const k of e.match(/ring0\.[\w.]+/g) ?? []) assert.ok(keys.has(k), `${step.id}: ${k} is a declared context key`);
        }
      }
      for (const m of step.description.matchAll(/\(command:([\w.]+)(\?[^)]*)?\)/g)) {
        assert.ok(ids.has(m[1]), `${step.id}: link to ${m[1]} is declared`);
        if (m[2]) assert.deepEqual(JSON.parse(decodeURIComponent(m[2].slice(1))), [WALKTHROUGH_LAB]);
      }
    }
    assert.deepEqual(completedBy, ['ring0.vm.start', 'ring0.labs.start', 'ring0.build', 'ring0.labs.check', 'ring0.labs.showDashboard']);
  });

  it('declares the settings of manifest.ts under ring0.', () => {
    assert.deepEqual(Object.keys(contributes.configuration.properties).sort(), SETTINGS.map((s) => s.key).sort());
  });

  it('declares each ring0.vm.* default exactly as the VM defaults (one table for both)', () => {
    const props = contributes.configuration.properties;
    for (const key of VM_SETTING_KEYS) {
      const declared = props[`ring0.vm.${key}`];
      assert.ok(declared, `ring0.vm.${key} is declared in package.json`);
      assert.deepEqual(declared.default, DEFAULT_VM_SETTINGS[key], `ring0.vm.${key}'s default`);
    }
  });

  it('gives every setting a markdownDescription (and no plain description)', () => {
    for (const [key, p] of Object.entries(contributes.configuration.properties) as [string, { markdownDescription?: string; description?: string }][]) {
      assert.ok(typeof p.markdownDescription === 'string' && p.markdownDescription.trim().length > 10, `${key} has a markdownDescription`);
      assert.equal(p.description, undefined, `${key}: markdownDescription only`);
    }
  });

  it('lets a machine override the path settings, and keeps every setting that reaches QEMU or runs a binary restricted', () => {
    const props = contributes.configuration.properties as Record<string, { scope?: string }>;
    for (const key of ['ring0.vm.kernel', 'ring0.clangd.path', 'ring0.kernel.source', 'ring0.kernel.buildDir']) assert.equal(props[key].scope, 'machine-overridable', key);
    const trust = pkg.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.equal(pkg.capabilities.virtualWorkspaces, false);
    for (const key of ['ring0.vm.qemuArgs', 'ring0.vm.kernelArgs', 'ring0.vm.kernel', 'ring0.vm.devices', 'ring0.clangd.path']) assert.ok(trust.restrictedConfigurations.includes(key), `${key} is restricted`);
  });

  it('activates only in Ring0 workspaces, on its task type, debugger, views and dashboard; never on startup', () => {
    const events = pkg.activationEvents as string[];
    assert.ok(!events.includes('onStartupFinished') && !events.includes('*'), 'no activation on every window');
    assert.deepEqual(events.filter((e) => e.startsWith('workspaceContains:')).map((e) => e.slice('workspaceContains:'.length)), [...WORKSPACE_PATTERNS]);
    for (const e of ['onTaskType:ring0', `onDebugResolve:${DEBUG_TYPE}`, 'onWebviewPanel:ring0.labsDashboard', ...VIEWS.map((v) => `onView:${v.id}`)]) assert.ok(events.includes(e), e);
  });

  it('shows the editor-title and Explorer buttons only in a Ring0 workspace', () => {
    for (const m of [...contributes.menus['editor/title'], ...contributes.menus['explorer/context']] as { command: string; when: string }[]) {
      assert.match(m.when, /&& ring0\.kernelWorkspace$/, m.command);
    }
  });

  it('allows breakpoints in C and in the assembly of the own-kernel labs (.S)', () => {
    assert.deepEqual(contributes.breakpoints.map((b: { language: string }) => b.language).sort(), ['asm', 'c']);
    const asm = contributes.languages.find((l: { id: string }) => l.id === 'asm');
    assert.ok(asm.extensions.includes('.S'));
    assert.ok(existsSync(path.join(root, asm.configuration)));
    const catalog = path.join(root, 'labs', 'catalog');
    const asmSources = readdirSync(catalog).flatMap((lab) => existsSync(path.join(catalog, lab, 'starter')) ? readdirSync(path.join(catalog, lab, 'starter')).filter((f) => /\.[sS]$/.test(f)) : []);
    assert.ok(asmSources.length > 0, 'the own-kernel labs have assembly starters');
    for (const f of asmSources) assert.ok(asm.extensions.includes(path.extname(f)), `${f} opens as asm`);
  });

  it('has a marketplace listing: PNG icon, changelog, repository', () => {
    const png = readFileSync(path.join(root, pkg.icon));
    assert.equal(pkg.icon, 'media/ring0.png');
    assert.deepEqual([...png.subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
    assert.equal(png.readUInt32BE(16), 128, 'icon is 128 px wide');
    assert.match(readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'), /^# Changelog/);
    assert.match(pkg.repository.url, /^https:\/\/github\.com\/[\w-]+\/[\w-]+\.git$/);
    const ignore = readFileSync(path.join(root, '.vscodeignore'), 'utf8');
    for (const line of ['!media/*.png', '!CHANGELOG.md', '!package.nls*.json', '!l10n/**', '!media/dist/*.ttf']) assert.ok(ignore.split('\n').includes(line), `${line} is packaged`);
  });

  it('contributes the ring0-kernel debugger with launch and attach schemas and snippets', () => {
    const dbg = contributes.debuggers.find((d: { type: string }) => d.type === DEBUG_TYPE);
    assert.ok(dbg);
    assert.ok(dbg.configurationAttributes.launch && dbg.configurationAttributes.attach);
    assert.deepEqual(dbg.configurationSnippets.map((s: { body: { request: string } }) => s.body.request).sort(), ['attach', 'launch']);
  });

  it('names the package, display name and CLI as the brief says', () => {
    assert.equal(pkg.name, 'ring0');
    assert.equal(pkg.displayName, 'Ring0 — Kernel & eBPF Workbench');
    assert.equal(pkg.bin.ring0, 'dist/cli.js');
  });
});
