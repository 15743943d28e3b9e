// Vitest's global setup: the whole run writes its temporary files (the CDK's cdk.out folders, the
// embedded platforms' data, packed CLIs…) under one folder of its own in the system's temp directory,
// removed when the run ends, so that no run leaves anything behind there. Every test process and
// every process a test starts inherits TMPDIR, which os.tmpdir() reads.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'tongban-test-run-'));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
