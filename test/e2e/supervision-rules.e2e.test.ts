// The supervision rules operated end to end: the embedded platform in process, every call signed over
// HTTP, the CLI run as people run it. The shipped catalogue is in force (version 0) and every role
// reads it; the platform role prints it as a template, switches a rule off and loads it as version 1;
// the same file again is a replay, other content under that version is refused (409), a catalogue
// that lacks a rule is refused at the edge (400 with the field), a department cannot load (403); the
// versions are listed with the chain check; the supervision lists beside them answer as before.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleCatalogueDocument } from '../../shared/contracts/supervision-rules.ts';
import { DEFAULT_RULE_CATALOGUE } from '../../shared/domain/supervision/default-rules.ts';
import { useClockedPlatform } from '../support/clocked-platform.ts';
import { runCli, signedClients } from '../support/signed-clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const env = useClockedPlatform('tongban-rules-e2e-', '2026-12-07');
const as = signedClients(() => env.platform);
const cli = (...args: string[]) => runCli(env.platform.credentialsPath, ...args);

describe('the supervision rules on the embedded platform', () => {
  it('are the shipped catalogue, version 0, read by every role — through the API and the CLI', async () => {
    const answers = await Promise.all(['reviewer', 'market', 'portal', 'auditor'].map((p) => as(p).request('GET', '/v1/supervision/rules')));
    const shown = await cli('supervision', 'rules', '--as', 'market');
    const versions = await cli('supervision', 'rules', 'versions', '--as', 'portal');

    for (const res of answers) expect([res.status, (res.body as Json).version, (res.body as Json).shipped]).toEqual([200, 0, true]);
    expect((answers[0]!.body as Json).data).toEqual(DEFAULT_RULE_CATALOGUE);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain('第0版 version 0（内置 shipped）');
    expect(shown.out).toMatch(/statutory-deadline-passed\s+时效性\s+红（违规）\s+是\s+3个工作日\s+超过法定时限/);
    expect(shown.out).toContain('{"maxRounds":1}');
    expect(versions.out).toContain('none loaded');
  });

  it('loads a catalogue the platform role made from the template as version 1; again is a replay; a department may not', async () => {
    const template = await cli('supervision', 'rules', 'template', '--as', 'reviewer');
    const doc = JSON.parse(template.out) as RuleCatalogueDocument;
    doc.source = '某省政务服务管理局关于调整电子监察规则的通知（2026年12月）';
    doc.rules.find((r) => r.id === 'approval-over-disagreement')!.enabled = false;
    doc.rules.find((r) => r.id === 'repeated-supplement')!.parameters = { maxRounds: 2 };
    const file = join(env.dataDir, 'rules-v1.json');
    await writeFile(file, JSON.stringify(doc));

    const byDepartment = await cli('supervision', 'rules', 'load', file, '--as', 'market');
    const loaded = await cli('supervision', 'rules', 'load', file, '--as', 'reviewer');
    const again = await cli('supervision', 'rules', 'load', file, '--as', 'reviewer');
    const current = await as('housing').request('GET', '/v1/supervision/rules');

    expect(template.code, template.err).toBe(0);
    expect(doc.version).toBe(1);
    expect(byDepartment.code).toBe(1);
    expect(byDepartment.err + byDepartment.out).toContain('ROLE_FORBIDDEN');
    expect(loaded.code, loaded.err).toBe(0);
    expect(loaded.out).toContain('supervision rules version 1 loaded by reviewer');
    expect(again.code).toBe(0);
    expect(again.out).toContain('version 1 (已载入，未变 / loaded before: unchanged)');
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ version: 1, loadedBy: 'reviewer', data: doc });
    expect(current.body).not.toHaveProperty('shipped');
  });

  it('refuses other content under version 1 (409), a catalogue without a rule (400, the field) and a version 0 that is not the shipped one', async () => {
    const file = join(env.dataDir, 'rules-v1.json');
    const v1 = JSON.parse(await readFile(file, 'utf8')) as RuleCatalogueDocument;
    const changed = { ...v1, source: '另一份通知' };
    const incomplete = { ...v1, version: 2, rules: v1.rules.filter((r) => r.id !== 'reasons-missing') };
    const notShipped = { ...v1, version: 0 };
    await writeFile(join(env.dataDir, 'changed.json'), JSON.stringify(changed));

    const conflict = await cli('supervision', 'rules', 'load', join(env.dataDir, 'changed.json'), '--as', 'reviewer', '--json');
    const refused = await as('reviewer').request('PUT', '/v1/supervision/rules', { body: incomplete });
    const zero = await as('reviewer').request('PUT', '/v1/supervision/rules', { body: notShipped });
    const shipped = await as('reviewer').request('PUT', '/v1/supervision/rules', { body: DEFAULT_RULE_CATALOGUE });

    expect(conflict.code).toBe(1);
    expect(conflict.out + conflict.err).toContain('RULES_VERSION_CONFLICT');
    expect([refused.status, (refused.body as Json).error.code, (refused.body as Json).error.field]).toEqual([400, 'VALIDATION_FAILED', 'rules']);
    expect((refused.body as Json).error.message).toContain('reasons-missing');
    expect([zero.status, (zero.body as Json).error.code]).toEqual([409, 'RULES_VERSION_CONFLICT']);
    expect((zero.body as Json).error.messageZh).toContain('下一版应为第2版');
    expect([shipped.status, (shipped.body as Json).replayed, (shipped.body as Json).version.version]).toEqual([200, true, 0]);
    expect(((await as('reviewer').request('GET', '/v1/supervision/rules')).body as Json).version).toBe(1);
  });

  it('lists the versions with the chain check, and the supervision lists beside the rules answer as before', async () => {
    const file = join(env.dataDir, 'rules-v2.json');
    const template = JSON.parse((await cli('supervision', 'rules', 'template', '--as', 'reviewer')).out) as RuleCatalogueDocument;
    await writeFile(file, JSON.stringify({ ...template, source: '恢复协办意见规则' }));
    const second = await cli('supervision', 'rules', 'load', file, '--as', 'reviewer');

    const versions = await as('auditor').request('GET', '/v1/supervision/rules/versions');
    const printed = await cli('supervision', 'rules', 'versions', '--as', 'auditor');
    const overdue = await as('reviewer').request('GET', '/v1/supervision/overdue');
    const byCli = await cli('supervision', 'violation', '--as', 'reviewer');

    expect(second.out).toContain('version 2 loaded');
    const body = versions.body as Json;
    expect(body.check).toEqual({ ok: true });
    expect((body.versions as Json[]).map((v) => [v.version, v.loadedBy, v.previousHash === undefined ? null : v.previousHash.length])).toEqual([
      [1, 'reviewer', null],
      [2, 'reviewer', 64],
    ]);
    expect((body.versions as Json[])[1]!.previousHash).toBe((body.versions as Json[])[0]!.hash);
    expect(printed.out).toContain('链校验通过 / chain intact');
    expect(printed.out).toMatch(/\n1\s+2026-12-07T02:00:00\.000Z\s+reviewer\s+1\s+某省政务服务管理局/);
    expect([overdue.status, (overdue.body as Json).cases]).toEqual([200, []]);
    expect(byCli.code, byCli.err).toBe(0);
  });
});
