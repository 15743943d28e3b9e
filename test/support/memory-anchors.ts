// The anchoring's ports in memory, for the unit tests: an archive that keeps objects in a map (written
// once, listed in key order, as S3 lists them), a queue of heads with their change times, a hint, and
// an archive seal key with its JWKS entry (ECDSA P-256, as KMS signs RAW).
import { generateKeyPairSync, sign } from 'node:crypto';
import type { AnchorArchive, AnchorHint, AnchorProgress, AnchorQueue, ChangedHead } from '../../shared/domain/anchors/anchor-ports.ts';
import { ARCHIVE_SEAL } from '../../shared/domain/archive/case-bundle.ts';
import type { Jwks } from '../../shared/domain/seals/jwks.ts';
import { sealJwk } from '../../shared/domain/seals/jwks.ts';
import type { SealSigner } from '../../shared/domain/seals/seal.ts';

export class MemoryAnchorArchive implements AnchorArchive {
  readonly objects = new Map<string, Buffer>();
  /** Fails the next writes whose key matches (a run that stops on the way). */
  failWrites: RegExp | undefined;
  puts = 0;

  async putOnce(key: string, body: Uint8Array): Promise<'written' | 'exists'> {
    if (this.failWrites?.test(key)) throw new Error(`the archive is gone (writing ${key})`);
    this.puts++;
    if (this.objects.has(key)) return 'exists';
    this.objects.set(key, Buffer.from(body));
    return 'written';
  }

  async get(key: string): Promise<Buffer | undefined> {
    const body = this.objects.get(key);
    return body && Buffer.from(body);
  }

  async list(prefix: string, page: { limit: number; startAfter?: string; cursor?: string }): Promise<{ keys: string[]; nextCursor?: string }> {
    const after = page.cursor ?? page.startAfter;
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix) && (after === undefined || k > after)).sort();
    const shown = keys.slice(0, page.limit);
    return keys.length > page.limit ? { keys: shown, nextCursor: shown.at(-1)! } : { keys: shown };
  }
}

export class MemoryAnchorQueue implements AnchorQueue, AnchorProgress {
  readonly heads: ChangedHead[] = [];
  stored: AnchorHint | undefined;

  /** A head written at `changedAt` (the newer version of a case replaces its older head, as in the table). */
  write(head: ChangedHead): void {
    const i = this.heads.findIndex((h) => h.caseNo === head.caseNo);
    if (i >= 0) this.heads.splice(i, 1);
    this.heads.push(head);
  }

  async changedHeads(after: string | null, through: string): Promise<{ heads: ChangedHead[]; through: string }> {
    const heads = this.heads.filter((h) => (after === null || h.changedAt > after) && h.changedAt <= through).sort((a, b) => (a.changedAt < b.changedAt ? -1 : 1));
    return { heads, through };
  }

  async hint(): Promise<AnchorHint | undefined> {
    return this.stored;
  }

  async recordHint(hint: AnchorHint): Promise<void> {
    this.stored = hint;
  }
}

/** An archive seal key (P-256) as the local signer would hold it, and the published keys naming it. */
export function archiveSealKey(kid = 'arn:aws-cn:kms:cn-north-1:000000000000:key/00000000-0000-4000-8000-0000000000a2'): {
  kid: string;
  signer: SealSigner;
  jwks: Jwks;
} {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    kid,
    signer: {
      async sign(keyId, message, messageType) {
        if (keyId !== kid || messageType !== 'RAW') throw new Error(`this signer signs RAW with ${kid} alone`);
        return sign('sha256', message, privateKey);
      },
    },
    jwks: { keys: [sealJwk(publicKey.export({ type: 'spki', format: 'der' }), { kid, department: ARCHIVE_SEAL.department, seal: ARCHIVE_SEAL.seal })] },
  };
}
