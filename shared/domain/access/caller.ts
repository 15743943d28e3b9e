// Who is calling, in domain terms. Built at the edge from the request's authenticated identity.
import type { Directory, Principal, Role } from '../../contracts/directory.ts';
import { forbidden } from '../errors.ts';

export interface Caller {
  name: string;
  role: Role;
  departmentId?: string;
  channelId?: string;
}

/**
 * Maps an authenticated IAM identity to its principal. An STS assumed-role session
 * (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`) matches the role
 * `arn:aws:iam::<acct>:role/<role>` (role paths are not part of a session ARN, so a principal's role
 * is matched on account and last path segment).
 */
export function resolveCaller(identityArn: string | null | undefined, directory: Directory): Caller {
  const principal = identityArn ? findPrincipal(identityArn, directory.principals) : undefined;
  if (!principal) {
    throw forbidden('PRINCIPAL_UNKNOWN', '调用身份未在平台登记', `the identity ${identityArn ?? '(none)'} is not a registered principal`);
  }
  return {
    name: principal.name,
    role: principal.role,
    ...(principal.departmentId ? { departmentId: principal.departmentId } : {}),
    ...(principal.channelId ? { channelId: principal.channelId } : {}),
  };
}

export function requireRole(caller: Caller, ...roles: Role[]): void {
  if (!roles.includes(caller.role)) {
    throw forbidden(
      'ROLE_FORBIDDEN',
      `该操作需要以下角色之一：${roles.join('、')}`,
      `this operation needs one of the roles ${roles.join(', ')}; caller ${caller.name} is ${caller.role}`,
    );
  }
}

function findPrincipal(arn: string, principals: Principal[]): Principal | undefined {
  const exact = principals.find((p) => p.arn === arn);
  if (exact) return exact;
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  if (!session) return undefined;
  const [, partition, account, roleName] = session;
  return principals.find((p) => {
    const m = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(p.arn);
    return m !== null && m[1] === partition && m[2] === account && m[3] === roleName;
  });
}
