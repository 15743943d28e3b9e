// Hash-chained records as the oversight screens show them: a chain check's verdict (a finding's
// history, the rule catalogue's versions, a calendar year's versions), and the table of operated
// data's loaded versions — who loaded which, when, on what source, each hash naming the one before.
import { useT } from './i18n.tsx';
import { formatInstant, shortHash } from './oversight-words.ts';
import { TableScroll } from './table-scroll.tsx';
import { TableHead } from './ui.tsx';

type Check = { ok: true } | { ok: false; reason: string; n?: number; version?: number };

/** The chain check's verdict: `count` records verified, or where the chain breaks and why. */
export function ChainCheck({ id, check, count, unit }: { id: string; check: Check; count: number; unit: [string, string] }) {
  const t = useT();
  if (check.ok) {
    return (
      <p className="check-ok" id={id}>
        {t(`哈希链校验通过（${count} ${unit[0]}）`, `Hash chain verified (${count} ${unit[1]})`)}
      </p>
    );
  }
  const at = check.n ?? check.version;
  return (
    <p className="check-broken" id={id} role="alert">
      {t(`哈希链在第 ${at} ${unit[0]}处断开：${check.reason}`, `The hash chain breaks at ${unit[1]} ${at}: ${check.reason}`)}
    </p>
  );
}

export interface LoadedVersion {
  version: number;
  loadedAt: string;
  loadedBy: string;
  hash: string;
  previousHash?: string;
  data: { source: string };
}

/** Loaded versions, newest first. */
export function VersionTable({ versions, caption }: { versions: LoadedVersion[]; caption: string }) {
  return (
    <TableScroll label={caption}>
      <table className="versions">
        <caption className="sr-only">{caption}</caption>
        <TableHead
          columns={[
            ['版本', 'Version'],
            ['依据', 'Source'],
            ['载入者', 'Loaded by'],
            ['载入时间', 'Loaded at'],
            ['哈希', 'Hash'],
            ['前一版哈希', 'Previous hash'],
          ]}
        />
        <tbody>
          {[...versions].reverse().map((v) => (
            <tr key={v.version}>
              <th scope="row">{v.version}</th>
              <td>{v.data.source}</td>
              <td>{v.loadedBy}</td>
              <td>{formatInstant(v.loadedAt)}</td>
              <td className="hash" title={v.hash}>
                {shortHash(v.hash)}
              </td>
              <td className="hash" title={v.previousHash}>
                {shortHash(v.previousHash)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
