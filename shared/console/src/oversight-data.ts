// What several oversight screens read before their own data: the platform's today (its clock, which a
// demonstration may have moved, decides periods and due dates, not the browser's) and the departments
// to choose from (the API has no directory route: the statistics of one day name every department the
// caller may see, and cost a day's summaries each).
import type { Api } from './api/client.ts';
import { must } from './api/client.ts';
import { chinaToday } from './oversight-words.ts';

export interface DepartmentRef {
  id: string;
  name: string;
}

/** The platform's China date today (the calendar overview says it), else the browser's. */
export async function platformToday(api: Api): Promise<string> {
  try {
    return (await must(api.GET('/v1/calendar'))).today;
  } catch {
    return chinaToday();
  }
}

/** The departments the caller may read the statistics of (platform and auditors: every one). */
export async function departmentsOf(api: Api, day: string): Promise<DepartmentRef[]> {
  const { departments } = await must(api.GET('/v1/statistics', { params: { query: { period: day } } }));
  return departments.map((d) => ({ id: d.departmentId, name: d.departmentName }));
}
