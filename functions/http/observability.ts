// Powertools for every handler: structured JSON logs, CloudWatch metrics (EMF) and X-Ray traces.
// Locally the embedded runtime turns metrics and tracing off through the standard Powertools
// variables (POWERTOOLS_METRICS_DISABLED, POWERTOOLS_TRACE_ENABLED).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

export const logger = new Logger({ serviceName: 'tongban' });
export const metrics = new Metrics({ namespace: 'Tongban', serviceName: 'tongban' });
export const tracer = new Tracer({ serviceName: 'tongban' });
