// Hash-chained records as the oversight screens show them: a chain check's verdict (a finding's
// history, the rule catalogue's versions, a calendar year's versions), a record's history with its
// check (findings, evaluations, tickets: each step, its states, who took it, its hash), and the table
// of operated data's loaded versions — who loaded which, when, on what source, each hash naming the one before.
import { useT } from './i18n.tsx';
import type { Pair } from './oversight-words.ts';
import { actorLabel, formatInstant, shortHash } from './oversight-words.ts';
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

/** One entry of a record's hash-chained history, as the API gives every record's. */
export interface HistoryEntry<A extends string, S extends string> {
  n: number;
  type: A;
  at: string;
  from: S | null;
  to: S;
  actor: { name: string; officer?: string };
  hash: string;
}

/**
 * A record's history (处理记录) under `id`-history: the chain check, then each step — when, what (its
 * words in `actions`), the states it moved between (`states`), who took it and its hash.
 */
export function RecordHistory<A extends string, S extends string>({
  id,
  check,
  entries,
  actions,
  states,
}: {
  id: string;
  check: Check;
  entries: HistoryEntry<A, S>[];
  actions: Partial<Record<A, Pair>>;
  states: Record<S, Pair>;
}) {
  const t = useT();
  const say = (words: Pair | undefined, code: string) => (words ? t(words[0], words[1]) : code);
  return (
    <section aria-labelledby={`${id}-history`}>
      <h3 id={`${id}-history`}>{t('处理记录', 'History')}</h3>
      <ChainCheck id={`${id}-chain`} check={check} count={entries.length} unit={['条', 'entries']} />
      <ol className="timeline">
        {entries.map((h) => (
          <li key={h.n} data-entry-type={h.type}>
            <span className="when">
              #{h.n} · {formatInstant(h.at)}
            </span>
            <strong>{say(actions[h.type], h.type)}</strong>
            <span>
              {h.from ? `${say(states[h.from], h.from)} → ` : ''}
              {say(states[h.to], h.to)}
            </span>
            <span>{actorLabel(h.actor)}</span>
            <span className="hash" title={h.hash}>
              {shortHash(h.hash)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** One answer, verdict or note on a record: what it is, when and by whom, its lines. */
export function AnswerItem({ label, by, on, lines }: { label: string; by: string; on: string; lines: string[] }) {
  return (
    <li>
      <strong>{label}</strong> <span className="muted">{`${on} · ${by}`}</span>
      {lines.map((l, i) => (
        <p key={i}>{l}</p>
      ))}
    </li>
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
