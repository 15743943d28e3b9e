// The cases function's settings from its environment, checked once at start: a bad value stops the
// function from starting rather than filing cases under a wrong rule.
import { DEFAULT_MAX_UPLOAD_BYTES } from '../../shared/domain/materials/upload-policy.ts';
import { wholeNumberSetting } from '../http/settings.ts';

export interface CaseServiceConfig {
  /** DEEMED_ACCEPTANCE_DAYS: working days a department has to answer (Art. 32: at most 5, the default). */
  deemedAcceptanceDays?: number;
  /** MATERIALS_MAX_BYTES: the upload size limit (default 50 MB). */
  maxUploadBytes: number;
}

export function caseServiceConfig(env: Record<string, string | undefined>): CaseServiceConfig {
  const days = wholeNumberSetting(env, 'DEEMED_ACCEPTANCE_DAYS', 1, 5);
  return {
    ...(days !== undefined ? { deemedAcceptanceDays: days } : {}),
    maxUploadBytes: wholeNumberSetting(env, 'MATERIALS_MAX_BYTES', 1, 5 * 1024 ** 3) ?? DEFAULT_MAX_UPLOAD_BYTES,
  };
}
