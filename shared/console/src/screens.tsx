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
import { lazyScreen } from './lazy-screen.tsx';

// The oversight screens (and ECharts, which their charts load in turn) are chunks of their own, fetched when first shown.
const Statistics = lazyScreen(() => import('./screens/statistics.tsx').then((m) => m.Statistics));
const PublicStatistics = lazyScreen(() => import('./screens/public-statistics.tsx').then((m) => m.PublicStatistics));
const Supervision = lazyScreen(() => import('./screens/supervision.tsx').then((m) => m.Supervision));
const FindingsToAnswer = lazyScreen(() => import('./screens/findings-to-answer.tsx').then((m) => m.FindingsToAnswer));
const Calendar = lazyScreen(() => import('./screens/calendar.tsx').then((m) => m.Calendar));
// 好差评 and tickets (consultations, complaints, corrections): chunks of their own too.
const Evaluations = lazyScreen(() => import('./screens/evaluations.tsx').then((m) => m.Evaluations));
const Tickets = lazyScreen(() => import('./screens/tickets.tsx').then((m) => m.Tickets));

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
  { path: 'findings', title: ['监察预警', 'Findings'], roles: ['department'], render: (r) => <FindingsToAnswer id={r.path[1]} query={r.query} /> },
  { path: 'evaluations', title: ['好差评', 'Evaluations'], roles: ['department', 'platform', 'auditor'], render: (r) => <Evaluations id={r.path[1]} query={r.query} /> },
  { path: 'tickets', title: ['工单', 'Tickets'], roles: ['department', 'platform', 'auditor'], render: (r) => <Tickets id={r.path[1]} query={r.query} /> },
  { path: 'statistics', title: ['统计分析', 'Statistics'], roles: ['platform', 'auditor'], render: (r) => <Statistics query={r.query} /> },
  { path: 'supervision', title: ['电子监察', 'Supervision'], roles: ['platform', 'auditor'], render: (r) => <Supervision route={r} /> },
  { path: 'calendar', title: ['节假日日历', 'Calendar'], roles: ['platform', 'auditor'], render: (r) => <Calendar year={r.path[1]} /> },
  { path: 'public', title: ['统计公开', 'Published statistics'], roles: [], public: true, render: (r) => <PublicStatistics query={r.query} /> },
  { path: 'cases', title: ['办件', 'Case'], roles: ['department', 'channel'], hidden: true, render: (r) => <CasePage caseNo={r.path[1] ?? ''} /> },
];
