// JointWorkflow on AWS Step Functions: a case's joint handling is one execution of the joint-handling
// state machine, named after the case (so a second start is harmless), and an opinion resumes the
// branch waiting for it by sending its callback token's success. The embedded runtime serves the same
// two calls (infra/local/stepfunctions-server.ts).
import { ExecutionAlreadyExists, InvalidToken, SendTaskSuccessCommand, StartExecutionCommand, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { JointExecutionInput } from '../contracts/joint-workflow.ts';
import { jointExecutionName } from '../contracts/joint-workflow.ts';
import type { JointWorkflow } from '../domain/cases/joint-handling.ts';

export class SfnJointWorkflow implements JointWorkflow {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(caseNo: string): Promise<'running' | 'ended'> {
    const input: JointExecutionInput = { caseNo };
    try {
      // The same name with the same input while it runs answers the running execution.
      await this.sfn.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: jointExecutionName(caseNo), input: JSON.stringify(input) }));
      return 'running';
    } catch (e) {
      // Always the same input for a name: so the execution has ended ("regardless of input" once closed).
      if (e instanceof ExecutionAlreadyExists) return 'ended';
      throw e;
    }
  }

  async resume(token: string, output: unknown): Promise<boolean> {
    try {
      await this.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(output) }));
      return true;
    } catch (e) {
      // The wait this token belonged to is over (timed out, or its execution ended or restarted).
      if (e instanceof TaskTimedOut || e instanceof InvalidToken || e instanceof TaskDoesNotExist) return false;
      throw e;
    }
  }
}
