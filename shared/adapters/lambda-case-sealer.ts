// CaseSealer through the sealing function (functions/sealing): the only holder of kms:Sign on the seal
// keys. It is given a case number and nothing else — it reads the case and builds every document
// itself — and answers the sealed case, or an error the caller reports (the sweep seals it later).
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { CaseSealer } from '../domain/cases/case-sealing.ts';
import type { CaseState } from '../domain/cases/case-record.ts';

/** What the sealing function is invoked with. */
export interface SealingEvent {
  caseNo: string;
}

export class LambdaCaseSealer implements CaseSealer {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
  ) {}

  async seal(caseNo: string): Promise<CaseState> {
    const event: SealingEvent = { caseNo };
    const out = await this.lambda.send(new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }));
    const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
    if (out.FunctionError) {
      let message = text;
      try {
        const body = JSON.parse(text) as { errorType?: string; errorMessage?: string };
        message = `${body.errorType ?? 'Error'}: ${body.errorMessage ?? text}`;
      } catch {
        // not JSON: the text as it is
      }
      throw new Error(`sealing case ${caseNo} failed (${out.FunctionError}): ${message}`);
    }
    return JSON.parse(text) as CaseState;
  }
}
