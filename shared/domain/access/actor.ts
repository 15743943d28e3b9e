// Who acted, as records keep it (a case's history, a finding's, a ticket's): the principal, its role
// and, for a named principal, the officer. Apart from the caller (caller.ts) and free of the directory's
// schemas, so that what reads records — the history check an auditor runs in a web browser too —
// carries no more than it needs.
import type { Role } from '../../contracts/directory.ts';
import type { Caller } from './caller.ts';

/** Who acted, as records keep it: the principal, its role and, for a named principal, the officer. */
export interface Actor {
  name: string;
  role: Role;
  officer?: string;
}

/** `{ officer }` of `caller` when it has one, to spread beside a principal's name in a record. */
export function officerOf(caller: Pick<Caller, 'officer'>): { officer?: string } {
  return caller.officer !== undefined ? { officer: caller.officer } : {};
}

/** The actor a record keeps of `caller` (the officer only when there is one). */
export function actorOf(caller: Pick<Caller, 'name' | 'role' | 'officer'>): Actor {
  return { name: caller.name, role: caller.role, ...officerOf(caller) };
}
