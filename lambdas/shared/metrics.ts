import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE } from '../../lib/naming.ts';

/**
 * The one Metrics (EMF) instance of a Lambda process. Powertools adds a `service` dimension by
 * default; we clear it, because an alarm matches a metric only on its exact dimension set and every
 * Vigil alarm is built on `{ Monitor }` alone (see lib/naming.ts).
 */
export const metrics = new Metrics({ namespace: METRIC_NAMESPACE });
metrics.clearDefaultDimensions();
