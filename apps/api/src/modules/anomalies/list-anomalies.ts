import type { AnomalyView } from '@xiaodian/shared';
import type { Services } from '../../context';
import type { AnomalyDoc } from './model';
import { toAnomalyView } from './dto';

/** Anomalies for action (OPEN by default): amount mismatches, payments after close, ABNORMAL refunds … */
export async function listAnomalies(s: Pick<Services, 'models'>, status: AnomalyView['status'] | 'ALL'): Promise<AnomalyView[]> {
  const anomalies = await s.models.Anomaly.find(status === 'ALL' ? {} : { status }).sort({ createdAt: -1 }).limit(500).lean<AnomalyDoc[]>();
  return anomalies.map(toAnomalyView);
}
