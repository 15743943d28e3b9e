// Case test fixtures: an uploaded material as a filing names it (derived from its name so tests can
// repeat it), and a run of commands from a filing.
import { createHash } from 'node:crypto';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { applyCaseCommand } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseHistoryEntry, CaseMaterial, CaseState } from '../../shared/domain/cases/case-record.ts';
import { CHANNELS } from './directory-fixtures.ts';

/** Lower-case hex SHA-256, as materials announce it. */
export const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

export function upload(name: string): CaseMaterial {
  return {
    kind: 'upload',
    objectKey: `uploads/${CHANNELS.portal.id}/${createHash('sha256').update(name).digest('hex').slice(0, 16)}.pdf`,
    sha256: sha256(`content of ${name}`),
    size: 245_760,
    contentType: 'application/pdf',
  };
}

/** Applies the steps in order; returns the newest state and every entry, the filing's first. */
export function runCase(start: { state: CaseState; entry: CaseHistoryEntry }, ...steps: [CaseCommand, CaseContext][]) {
  const entries = [start.entry];
  let state = start.state;
  for (const [command, ctx] of steps) {
    const next = applyCaseCommand(state, command, ctx);
    entries.push(next.entry);
    state = next.state;
  }
  return { state, entries };
}
