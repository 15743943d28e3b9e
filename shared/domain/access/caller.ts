// Who is calling, in domain terms. Built at the edge from the request's authenticated identity.
import type { CallerView, Directory, Principal, Role } from '../../contracts/directory.ts';
import { OFFICER_ID_PATTERN } from '../../contracts/directory.ts';
import { forbidden } from '../errors.ts';

export interface Caller {
  name: string;
  role: Role;
  departmentId?: string;
  channelId?: string;
  /**
   * The officer acting, for a `named` principal: its session's name, which its role's trust policy
   * makes the source identity the government's sign-in set. Recorded beside the principal.
   */
  officer?: string;
}

/**
 * Maps an authenticated IAM identity to its principal. An STS assumed-role session
 * (`arn:aws:sts::<acct>:assumed-role/<role>/<session>`) matches the role
 * `arn:aws:iam::<acct>:role/<role>` (role paths are not part of a session ARN, so a principal's role
 * is matched on account and last path segment). A `named` principal is accepted only from such a
 * session whose name is an officer id: the officer acting (API Gateway reports the session's ARN,
 * never its source identity, which the role's trust policy therefore makes the session name).
 */
export function resolveCaller(identityArn: string | null | undefined, directory: Directory): Caller {
  const found = identityArn ? findPrincipal(identityArn, directory.principals) : undefined;
  if (!found) {
    throw forbidden('PRINCIPAL_UNKNOWN', '调用身份未在平台登记', `the identity ${identityArn ?? '(none)'} is not a registered principal`);
  }
  const { principal, session } = found;
  if (principal.named && (session === undefined || !OFFICER_ID_PATTERN.test(session))) {
    throw forbidden(
      'OFFICER_REQUIRED',
      '该身份须由具名经办人调用：请经统一身份认证登录，以经办人标识作为会话名称',
      `principal ${principal.name} acts through named officers: call from a session of its role named with the officer's id (the source identity the sign-in sets), not ${identityArn ?? '(none)'}`,
    );
  }
  return {
    name: principal.name,
    role: principal.role,
    ...(principal.departmentId ? { departmentId: principal.departmentId } : {}),
    ...(principal.channelId ? { channelId: principal.channelId } : {}),
    ...(principal.named ? { officer: session! } : {}),
  };
}

/** The caller as GET /v1/me answers it: its department's or channel's name from the directory. */
export function callerView(caller: Caller, directory: Directory): CallerView {
  const department = caller.departmentId === undefined ? undefined : directory.departments.find((d) => d.id === caller.departmentId);
  const channel = caller.channelId === undefined ? undefined : directory.channels.find((c) => c.id === caller.channelId);
  return {
    principal: caller.name,
    role: caller.role,
    ...(department ? { department: { id: department.id, name: department.name } } : {}),
    ...(channel ? { channel: { id: channel.id, name: channel.name, kind: channel.kind } } : {}),
    ...(caller.officer !== undefined ? { officer: caller.officer } : {}),
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

/** The principal of `arn` and, for an assumed-role session, the session's name. */
function findPrincipal(arn: string, principals: Principal[]): { principal: Principal; session?: string } | undefined {
  const exact = principals.find((p) => p.arn === arn);
  if (exact) return { principal: exact };
  const session = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(arn);
  if (!session) return undefined;
  const [, partition, account, roleName, sessionName] = session;
  const principal = principals.find((p) => {
    const m = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(p.arn);
    return m !== null && m[1] === partition && m[2] === account && m[3] === roleName;
  });
  return principal && { principal, session: sessionName! };
}
