// Every screen of the console: its path, its title, who may use it, and which role it is home to.
// A capability that lands in the API gets its screen here.
import type { ReactNode } from 'react';
import type { Platform } from './platform.tsx';
import type { Route } from './router.ts';
import type { Role } from './session.ts';
import { Queue, OpinionQueue } from './screens/queue.tsx';
import { CasePage } from './screens/case-page.tsx';
import { FileCase } from './screens/file-case.tsx';
import { Review } from './screens/review.tsx';
import { Archive } from './screens/archive.tsx';

export interface Screen {
  path: string;
  title: [string, string];
  roles: readonly Role[];
  home?: Role;
  public?: boolean;
  hidden?: boolean;
  render(route: Route, platform: Platform | undefined): ReactNode;
}

export const SCREENS: Screen[] = [
  { path: 'queue', title: ['办件队列', 'Queue'], roles: ['department'], home: 'department', render: (r) => <Queue status={r.query.get('status') ?? 'received'} /> },
  { path: 'opinions', title: ['协办任务', 'Joint tasks'], roles: ['department'], render: () => <OpinionQueue /> },
  { path: 'file', title: ['窗口收件', 'File a case'], roles: ['channel'], home: 'channel', render: () => <FileCase /> },
  { path: 'review', title: ['事项审核', 'Catalogue review'], roles: ['platform'], home: 'platform', render: (r) => <Review code={r.path[1]} /> },
  { path: 'archive', title: ['电子档案', 'E-archive'], roles: ['auditor'], home: 'auditor', render: () => <Archive /> },
  { path: 'cases', title: ['办件', 'Case'], roles: ['department', 'channel'], hidden: true, render: (r) => <CasePage caseNo={r.path[1] ?? ''} /> },
];
