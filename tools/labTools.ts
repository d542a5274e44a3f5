// Agent tools for the labs: the catalog with progress, starting a lab (never overwriting work) and
// checking it (booting a VM for the check when none runs), each objective with its message.
import { z } from 'zod';
import { startLab } from '../labs/model/labFiles';
import { labFolder } from '../labs/model/progress';
import { checkOneLab, outcomeJson } from '../labs/run/checkLabs';
import { findCatalogLab, labRows } from '../labs/run/listLabs';
import { defineTool } from './tool';

const labId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/).describe('lab id, as ring0_lab_list shows');

export const labListTool = defineTool({
  name: 'ring0_lab_list',
  title: 'List labs',
  description: 'The hands-on lab catalog by track: each lab\'s id, title, summary, objectives count, status in this workspace (not-started, started, failing, passed) and what this machine lacks for it.',
  input: {},
  changesState: false,
  async run(_i, ctx) {
    const { rows } = labRows(ctx.workspace);
    return { text: rows.map((r) => `${r.id} [${r.status}] ${r.title}`).join('\n'), data: rows };
  },
});

export const labStartTool = defineTool({
  name: 'ring0_lab_start',
  title: 'Start a lab',
  description: 'Copy a lab\'s starter files and steps (STEPS.md) into labs/<id>/ in the workspace; never overwrites existing files.',
  input: { id: labId },
  changesState: true,
  confirm: (i) => `Start the lab ${i.id} (copies its starter files into labs/${i.id})?`,
  async run(i, ctx) {
    const lab = findCatalogLab(i.id);
    const s = startLab(ctx.workspace, lab);
    return { text: `Started ${lab.title} in ${s.dir}. Steps: ${s.steps}`, data: s };
  },
});

export const labCheckTool = defineTool({
  name: 'ring0_lab_check',
  title: 'Check a lab',
  description: 'Run a lab\'s checker: builds on the host, then checks in the VM (booted for the check and powered off after when none runs, unless keepVm). Returns {id, passed, objectives: [{id, text, passed, message}], error?}.',
  input: { id: labId, keepVm: z.boolean().optional().describe('leave the VM booted for the check running') },
  changesState: true,
  confirm: (i) => `Check the lab ${i.id}? Its checker builds your code and runs it in the Ring0 VM.`,
  async run(i, ctx) {
    const lab = findCatalogLab(i.id);
    ctx.progress(`checking ${lab.title}`);
    const o = await checkOneLab(ctx.workspace, lab, labFolder(ctx.workspace, lab.id), { keepVm: i.keepVm, cliPath: ctx.cliPath, onProgress: (l, f) => ctx.progress(l, f) });
    const r = outcomeJson(o);
    const lines = r.objectives.map((x) => `${x.passed ? 'PASS' : 'FAIL'} ${x.id}: ${x.passed ? x.text : x.message}`);
    return { text: `${lab.title}: ${r.passed ? 'all objectives pass' : `${r.objectives.filter((x) => !x.passed).length} objective(s) to go`}\n${lines.join('\n')}`, data: r };
  },
});

export const LAB_TOOLS = [labListTool, labStartTool, labCheckTool];
