// Lambda: the anchoring of the case heads, run on a schedule (EventBridge; embedded, a timer). It
// anchors the case heads that changed (shared/domain/anchors/case-anchoring.ts): a journal sealed with
// the archive key, written once to the archive bucket. A failed run is logged and counted
// (AnchoringFailures, which an alarm watches), not thrown: the next run takes up where the last journal
// ends. A function of its own, apart from the sweep, so that the sweep's bundle carries no S3 or KMS client.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { dynamoDocumentClient, kmsClient, requiredEnv, s3Client } from '../../shared/adapters/aws-clients.ts';
import { DynamoAnchorQueue } from '../../shared/adapters/dynamo-anchor-queue.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import { S3AnchorArchive } from '../../shared/adapters/s3-anchor-archive.ts';
import type { AnchorReport } from '../../shared/domain/anchors/case-anchoring.ts';
import { CaseAnchoring } from '../../shared/domain/anchors/case-anchoring.ts';
import { observability, observed } from '../http/observability.ts';
import { wholeNumberSetting } from '../http/settings.ts';

const { logger, metrics } = observability('anchoring');

/** What a run answers: what the anchoring did, or why it failed. */
export type AnchoringRun = AnchorReport | { failed: string };

// The platform clock (options.now) is not used: the heads' change times are their writers' clocks.
export function anchoringHandler() {
  const db = dynamoDocumentClient();
  // ANCHOR_LAG_SECONDS: how far behind now a journal's window ends (default 960: a Lambda run's longest and a minute).
  const lagSeconds = wholeNumberSetting(process.env, 'ANCHOR_LAG_SECONDS', 0, 86_400);
  const directory = new DynamoDirectory(db, requiredEnv('DIRECTORY_TABLE'));
  const anchorQueue = new DynamoAnchorQueue(db, requiredEnv('CASES_TABLE'));
  const archive = new S3AnchorArchive(s3Client(), requiredEnv('ARCHIVE_BUCKET'));
  const signer = new KmsSealSigner(kmsClient());

  const anchor = async (): Promise<AnchoringRun> => {
    try {
      const { archiveKey } = await directory.load();
      if (!archiveKey) throw new Error('the directory names no archive key: anchor journals cannot be sealed');
      return await new CaseAnchoring({ queue: anchorQueue, progress: anchorQueue, archive, signer, archiveKey, ...(lagSeconds !== undefined ? { lagSeconds } : {}) }).run();
    } catch (e) {
      return { failed: e instanceof Error ? e.message : String(e) };
    }
  };

  return observed('anchoring', async (): Promise<AnchoringRun> => {
    const anchoring = await anchor();
    if ('failed' in anchoring) logger.error('anchoring the case heads failed: the next run tries again', { error: anchoring.failed });
    else if (anchoring.journal) logger.info('anchor journal written', { ...anchoring.journal, ...(anchoring.completed ? { completed: anchoring.completed } : {}) });
    metrics.addMetric('AnchoredHeads', MetricUnit.Count, 'failed' in anchoring ? 0 : (anchoring.journal?.count ?? 0));
    metrics.addMetric('AnchoringFailures', MetricUnit.Count, 'failed' in anchoring ? 1 : 0);
    return anchoring;
  });
}

export const handler = anchoringHandler();
