// The case functions no route reaches, invoked through Lambda with a case number and nothing else:
// - the sealing function (functions/sealing), the only holder of kms:Sign on the seal keys: invoked and
//   awaited (RequestResponse); it answers the sealed case, or an error the caller reports (the sweep
//   seals the case later). It is also invoked with a licence identifier and nothing else, to seal the
//   amended version its issuing department recorded (shared/domain/licences/licence-sealing.ts);
// - the archive function (functions/archive): started without waiting (Event); Lambda retries a failed
//   run twice and then hands it to the function's dead-letter queue, and the sweep starts it again for
//   any ended case not archived yet.
// Both through shared/adapters/lambda-invoker.ts (one signed request), not the SDK's Lambda client.
import type { ArchiveStarter } from '../domain/archive/archive-store.ts';
import type { CaseSealer } from '../domain/cases/case-sealing.ts';
import type { CaseState } from '../domain/cases/case-record.ts';
import type { LicenceSealer } from '../domain/licences/licence-sealing.ts';
import type { IssuedLicence } from '../domain/licences/licence-store.ts';
import type { LambdaInvoker } from './lambda-invoker.ts';

/** What a case function is invoked with. */
export interface CaseFunctionEvent {
  caseNo: string;
}
/** What the sealing function is invoked with to seal a licence's amended version. */
export interface LicenceSealingEvent {
  licenceId: string;
}
export type SealingEvent = CaseFunctionEvent | LicenceSealingEvent;
export type ArchivingEvent = CaseFunctionEvent;

function invoke(lambda: LambdaInvoker, functionName: string, event: CaseFunctionEvent | LicenceSealingEvent, type: 'RequestResponse' | 'Event') {
  return lambda.invoke({ FunctionName: functionName, InvocationType: type, Payload: Buffer.from(JSON.stringify(event)) });
}

/** The answer of an awaited invocation, or its error as one Error saying what failed. */
function answerOf(out: { Payload?: Uint8Array | undefined; FunctionError?: string | undefined }, what: string): unknown {
  const text = out.Payload ? Buffer.from(out.Payload).toString('utf8') : '';
  if (out.FunctionError) {
    let message = text;
    try {
      const body = JSON.parse(text) as { errorType?: string; errorMessage?: string };
      message = `${body.errorType ?? 'Error'}: ${body.errorMessage ?? text}`;
    } catch {
      // not JSON: the text as it is
    }
    throw new Error(`${what} failed (${out.FunctionError}): ${message}`);
  }
  return JSON.parse(text) as unknown;
}

export class LambdaCaseSealer implements CaseSealer {
  constructor(
    private readonly lambda: LambdaInvoker,
    private readonly functionName: string,
  ) {}

  async seal(caseNo: string): Promise<CaseState> {
    return answerOf(await invoke(this.lambda, this.functionName, { caseNo }, 'RequestResponse'), `sealing case ${caseNo}`) as CaseState;
  }
}

export class LambdaLicenceSealer implements LicenceSealer {
  constructor(
    private readonly lambda: LambdaInvoker,
    private readonly functionName: string,
  ) {}

  async sealLicence(licenceId: string): Promise<IssuedLicence> {
    return answerOf(await invoke(this.lambda, this.functionName, { licenceId }, 'RequestResponse'), `sealing licence ${licenceId}`) as IssuedLicence;
  }
}

export class LambdaArchiveStarter implements ArchiveStarter {
  constructor(
    private readonly lambda: LambdaInvoker,
    private readonly functionName: string,
  ) {}

  async start(caseNo: string): Promise<void> {
    const out = await invoke(this.lambda, this.functionName, { caseNo }, 'Event');
    if (out.StatusCode !== 202) throw new Error(`starting the archiving of case ${caseNo}: Lambda answered ${out.StatusCode}`);
  }
}
