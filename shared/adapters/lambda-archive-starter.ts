// Starts the archiving of an ended case through the archive function (functions/archive), invoked
// asynchronously (InvocationType Event): the caller does not wait for a bundle to be built. Lambda
// retries a failed asynchronous invocation twice and then hands it to the function's dead-letter
// queue; the sweep starts it again for any ended case that is not archived yet.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { ArchiveStarter } from '../domain/archive/archive-store.ts';

/** What the archive function is invoked with. */
export interface ArchivingEvent {
  caseNo: string;
}

export class LambdaArchiveStarter implements ArchiveStarter {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
  ) {}

  async start(caseNo: string): Promise<void> {
    const event: ArchivingEvent = { caseNo };
    const out = await this.lambda.send(new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));
    if (out.StatusCode !== 202) throw new Error(`starting the archiving of case ${caseNo}: Lambda answered ${out.StatusCode}`);
  }
}
