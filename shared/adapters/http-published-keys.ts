// The platform's published seal keys as anyone gets them: GET /v1/.well-known/jwks.json (public). The
// archive function puts into each bundle the very keys auditors can download — it holds no
// kms:GetPublicKey itself (only the publishing path does). Kept for five minutes.
import type { Jwks } from '../domain/seals/jwks.ts';

const CACHE_MS = 5 * 60_000;

export class HttpPublishedKeys {
  private cached: { jwks: Jwks; at: number } | undefined;

  constructor(
    private readonly url: string,
    private readonly now: () => number = Date.now,
  ) {}

  async jwks(): Promise<Jwks> {
    if (this.cached && this.now() - this.cached.at < CACHE_MS) return this.cached.jwks;
    const res = await fetch(this.url, { signal: AbortSignal.timeout(5000) });
    if (res.status !== 200) throw new Error(`GET ${this.url} answered ${res.status}`);
    const jwks = (await res.json()) as Jwks;
    if (!Array.isArray(jwks?.keys)) throw new Error(`${this.url} is not a JWKS`);
    this.cached = { jwks, at: this.now() };
    return jwks;
  }
}
