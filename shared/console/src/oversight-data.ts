// What several oversight screens read before their own data: the platform's today (its clock, which a
// demonstration may have moved, decides periods and due dates, not the browser's) and the departments
// to choose from and to name (GET /v1/departments, the directory's).
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

/** The departments the platform knows, with their names. */
export async function departmentsOf(api: Api): Promise<DepartmentRef[]> {
  const { departments } = await must(api.GET('/v1/departments'));
  return departments.map((d) => ({ id: d.id, name: d.name }));
}
