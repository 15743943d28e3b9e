// `tongban supervision rules [versions|load <file>|template]`: the supervision rules (电子监察规则) the
// platform watches cases and items by. Everyone signed reads them; the platform role loads a catalogue
// (every rule once, the format `rules template` prints) as the next version.
import type { RuleCatalogueVersion, SupervisionRule } from '../contracts/supervision-rules.ts';
import type { RuleCatalogueVersions, RulesInForceView } from '../domain/supervision/rule-catalogue-service.ts';
import { ApiRefusal, UsageError } from './api-client.ts';
import { readJsonFile } from './args.ts';
import type { CommandContext } from './cases-commands.ts';
import { printTable } from './output.ts';

const PATH = '/v1/supervision/rules';

export async function supervisionRulesCommand(ctx: CommandContext, command: string | undefined, file: string | undefined): Promise<number> {
  const { api, out } = ctx;
  switch (command) {
    case undefined:
      return out(await api.request('GET', PATH), printRules);
    case 'versions':
      return out(await api.request('GET', `${PATH}/versions`), printVersions);
    case 'load': {
      if (!file) throw new UsageError('supervision rules load needs the file of the catalogue (`tongban supervision rules template` prints one to start from)');
      return out(await api.request('PUT', PATH, { body: await readJsonFile(file, 'the supervision rules') }), printLoaded);
    }
    case 'template': {
      // The catalogue in force as the next version's document: edit it, then load it.
      const res = await api.request('GET', PATH);
      if (res.status >= 400) throw new ApiRefusal(res);
      const current = res.body as RulesInForceView;
      const rules = [...current.data.rules, ...(current.shippedRules ?? [])];
      console.log(JSON.stringify({ ...current.data, rules, version: current.version + 1 }, null, 2));
      return 0;
    }
    default:
      throw new UsageError(`unknown command "supervision rules ${command}": supervision rules [versions|load <file>|template]`);
  }
}

const KIND_ZH: Record<SupervisionRule['kind'], string> = { timeliness: '时效性', process: '流程合法性', content: '内容规范性' };
const SEVERITY_ZH: Record<SupervisionRule['severity'], string> = { yellow: '黄（预警）', red: '红（违规）' };

function printRules(v: RulesInForceView): void {
  console.log(`监察规则 supervision rules · 第${v.version}版 version ${v.version}${v.shipped ? '（内置 shipped）' : ''} · ${v.data.source}`);
  console.log(`载入 loaded ${v.loadedAt} by ${v.loadedBy}\n`);
  printTable(
    ['规则 RULE', '类别', '等级', '启用', '答复期限', '名称', '依据', '参数'],
    [...v.data.rules, ...(v.shippedRules ?? [])].map((r) => [
      v.shippedRules?.includes(r) ? `${r.id} (内置 shipped)` : r.id,
      KIND_ZH[r.kind],
      SEVERITY_ZH[r.severity],
      r.enabled ? '是' : '否（停用）',
      `${r.answerDays}个工作日`,
      r.title,
      r.basis,
      Object.keys(r.parameters).length > 0 ? JSON.stringify(r.parameters) : '',
    ]),
  );
}

function printVersions(v: RuleCatalogueVersions): void {
  if (v.versions.length === 0) console.log('(尚未载入 none loaded: the shipped rules, version 0, are in force)');
  else
    printTable(
      ['版本 VERSION', '载入时间 LOADED', '载入人 BY', '停用 OFF', '依据文件 SOURCE', 'HASH'],
      v.versions.map((x) => [String(x.version), x.loadedAt, x.loadedBy, String(x.data.rules.filter((r) => !r.enabled).length), x.data.source, x.hash.slice(0, 16)]),
    );
  console.log(v.check.ok ? '链校验通过 / chain intact' : `链校验失败 / chain broken at version ${v.check.version}: ${v.check.reason}`);
}

function printLoaded(r: { version: RuleCatalogueVersion; replayed: boolean }): void {
  const v = r.version;
  console.log(`supervision rules version ${v.version}${r.replayed ? ' (已载入，未变 / loaded before: unchanged)' : ' loaded'} by ${v.loadedBy} at ${v.loadedAt}: ${v.data.source}`);
  if (!r.replayed) console.log('在一分钟内生效 / in force for every function within a minute');
}
