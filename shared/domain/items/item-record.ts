// An item version as the domain holds it: immutable once written. Every action on an item — an
// edit, a submission, a publication, a suspension — appends the next version; the newest version
// is the item's current state, and the chain of hashes makes the history tamper-evident.
import type * as z from 'zod';
import type { ItemVersionSchema, ServiceGuide } from '../../contracts/service-item.ts';

export type ItemRecord = Omit<z.infer<typeof ItemVersionSchema>, 'effectivePublicState' | 'guide'> & { guide: ServiceGuide };
export type WorkingState = ItemRecord['state'];
export type PublicState = ItemRecord['publicState'];
export type ItemAction = ItemRecord['action'];

/** The public state as of `today`: a planned suspension takes effect on its date. */
export function effectivePublicState(record: Pick<ItemRecord, 'publicState' | 'suspension'>, today: string): PublicState {
  return publicStateOn(record.publicState, record.suspension?.effectiveFrom, today);
}

export function publicStateOn(publicState: PublicState, suspensionFrom: string | undefined, today: string): PublicState {
  return publicState === 'published' && suspensionFrom !== undefined && suspensionFrom <= today ? 'suspended' : publicState;
}

/**
 * What listings show of an item: its newest version's state, and the name and type of the version
 * the public sees (a revision in progress does not change the catalogue until it is published).
 */
export interface ItemHead {
  code: string;
  departmentId: string;
  name: string;
  type: ItemRecord['guide']['type'];
  version: number;
  state: WorkingState;
  publicState: PublicState;
  publishedVersion?: number;
  publishedAt?: string;
  suspensionFrom?: string;
  jointHandling: boolean;
  updatedAt: string;
  submittedAt?: string;
}

export function headOf(latest: ItemRecord, published: ItemRecord | undefined): ItemHead {
  const shown = published ?? latest;
  return {
    code: latest.code,
    departmentId: latest.guide.departmentId,
    name: shown.guide.name,
    type: shown.guide.type,
    version: latest.version,
    state: latest.state,
    publicState: latest.publicState,
    ...(latest.publishedVersion !== undefined ? { publishedVersion: latest.publishedVersion } : {}),
    ...(published ? { publishedAt: published.at } : {}),
    ...(latest.suspension ? { suspensionFrom: latest.suspension.effectiveFrom } : {}),
    jointHandling: shown.guide.jointHandling !== undefined,
    updatedAt: latest.at,
    ...(latest.state === 'submitted' ? { submittedAt: latest.at } : {}),
  };
}
