// The levels of an evaluation (好差评), apart from the evaluations' schemas (evaluations.ts re-exports
// them): a module that only reads them, such as the statistics (shared/domain/statistics), does not
// build those schemas as it loads, nor bundle them.
/** The five levels of 国办发〔2019〕51号, best first. */
export const EVALUATION_LEVELS = ['very-satisfied', 'satisfied', 'basic', 'dissatisfied', 'very-dissatisfied'] as const;
export type EvaluationLevel = (typeof EVALUATION_LEVELS)[number];

export const EVALUATION_LEVEL_ZH: Readonly<Record<EvaluationLevel, string>> = {
  'very-satisfied': '非常满意',
  satisfied: '满意',
  basic: '基本满意',
  dissatisfied: '不满意',
  'very-dissatisfied': '非常不满意',
};

/** The bad reviews (差评): each is owed a rectification. */
export const BAD_LEVELS: readonly EvaluationLevel[] = ['dissatisfied', 'very-dissatisfied'];
