// The cases function's settings from its environment, checked once at start: a bad value stops the
// function from starting rather than filing cases under a wrong rule.
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../shared/domain/materials/upload-policy.ts';

export interface CaseServiceConfig {
  /** DEEMED_ACCEPTANCE_DAYS: working days a department has to answer (Art. 32: at most 5, the default). */
  deemedAcceptanceDays?: number;
  /** MATERIALS_MAX_BYTES: the upload size limit (default 50 MB). */
  maxUploadBytes: number;
}

export function caseServiceConfig(env: Record<string, string | undefined>): CaseServiceConfig {
  const days = env.DEEMED_ACCEPTANCE_DAYS;
  const max = env.MATERIALS_MAX_BYTES;
  const whole = (name: string, value: string, min: number, most: number) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > most) throw new Error(`${name}=${value}: expected a whole number from ${min} to ${most}`);
    return n;
  };
  return {
    ...(days !== undefined && days !== '' ? { deemedAcceptanceDays: whole('DEEMED_ACCEPTANCE_DAYS', days, 1, 5) } : {}),
    maxUploadBytes: max !== undefined && max !== '' ? whole('MATERIALS_MAX_BYTES', max, 1, 5 * 1024 ** 3) : DEFAULT_MAX_UPLOAD_BYTES,
  };
}
