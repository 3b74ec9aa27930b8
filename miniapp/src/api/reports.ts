/** The district dashboard's figures (admin: the district; worker: their own community), by meal date. */
import { request } from './client';

export interface Figures {
  mealOrders: number;
  mealsServed: number;
  subsidyTotal: number;
  serviceOrders: number;
  serviceMinutes: number;
  serviceHours: number;
  ratings: number;
  satisfactionRate: number | null;
  sosCount: number;
  sosMedianAckSeconds: number | null;
}

/** What GET /api/reports/summary adds to the figures: alarms by source and the 回访 tasks. */
export interface SummaryFigures extends Figures {
  sosBySource: Record<'elder' | 'care_call' | 'delivery', number>;
  followUpTasks: number;
  followUpTasksDone: number;
  followUpTasksSatisfied: number;
}

export interface TrendPoint extends Figures {
  start: string;
  end: string;
}

export interface CommunityFigures extends Figures {
  communityId: string;
  name: string;
}

/** One provider's quality figures over a period (GET /api/reports/providers), ranked best first. */
export interface ProviderQuality {
  providerUserId: string;
  name: string;
  visits: number;
  completed: number;
  checkIns: number;
  onTimeRate: number | null;
  ratings: number;
  avgRating: number | null;
  lowRatings: number;
  followUps: number;
  followUpsSatisfied: number;
  farCheckIns: number;
}

export const reportsApi = {
  providers: (from: string, to: string) =>
    request<{ items: ProviderQuality[] }>('GET', `/api/reports/providers?from=${from}&to=${to}`),
  followUpSettings: () => request<{ sampleShare: number }>('GET', '/api/follow-ups/settings'),
  setFollowUpShare: (sampleShare: number) =>
    request<{ sampleShare: number }>('PUT', '/api/follow-ups/settings', { sampleShare }),
  summary: (from: string, to: string) =>
    request<SummaryFigures>('GET', `/api/reports/summary?from=${from}&to=${to}`),
  trends: (from: string, to: string, by: 'day' | 'week') =>
    request<{ by: 'day' | 'week'; points: TrendPoint[] }>(
      'GET',
      `/api/reports/trends?from=${from}&to=${to}&by=${by}`,
    ),
  communities: (from: string, to: string) =>
    request<{ items: CommunityFigures[]; total: Figures }>(
      'GET',
      `/api/reports/communities?from=${from}&to=${to}`,
    ),
  funders: (from: string, to: string) =>
    request<{ items: { fundedBy: string; amount: number }[]; subsidyTotal: number }>(
      'GET',
      `/api/reports/funders?from=${from}&to=${to}`,
    ),
};
