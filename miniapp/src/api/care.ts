/** 主动关怀 (contract: Care that reaches out): care-call plans, the day's calls, the outcome of a call. */
import type { z } from 'zod';
import type { CareCallBodySchema, CarePlanBodySchema } from '@yiyangtong/shared/src/schemas/care';
import { request } from './client';

export type CarePlanBody = z.input<typeof CarePlanBodySchema>;
export type CareCallBody = z.input<typeof CareCallBodySchema>;
export type CareOutcome = CareCallBody['outcome'];

export interface CarePlan {
  id: string;
  elderId: string;
  elderName?: string;
  weekdays: number[];
  notes?: string;
  status: 'active' | 'ended';
  since: string;
  lastOutcome?: CareOutcome;
}

export interface CareSuggestion {
  elderId: string;
  elderName: string;
  reasons: string[];
  careLevel?: string;
  livesAlone: boolean;
}

export interface CareCallItem {
  elderId: string;
  planId: string;
  elderName: string;
  /** whole: the worker dials it */
  phone?: string;
  address?: string;
  status: 'due' | 'done' | 'missed';
  outcome?: CareOutcome;
  notes?: string;
  calledAt?: string;
  calledBy?: string;
  calls?: number;
  escalated?: boolean;
  planNotes?: string;
  lastOutcome?: CareOutcome;
}

export interface RecordedCall {
  id: string;
  elderId: string;
  elderName: string;
  outcome: CareOutcome;
  escalated: boolean;
  alarm?: { id: string; created: boolean };
}

export interface CareSummary {
  from: string;
  to: string;
  due: number;
  made: number;
  reached: number;
  noAnswer: number;
  escalated: number;
  missed: number;
}

export const careApi = {
  calls: (date?: string) =>
    request<{ date: string; items: CareCallItem[] }>('GET', `/api/care-calls${date ? `?date=${date}` : ''}`),
  record: (body: CareCallBody) => request<RecordedCall>('POST', '/api/care-calls', body),
  plans: () => request<{ items: CarePlan[]; suggestions: CareSuggestion[] }>('GET', '/api/care-plans'),
  savePlan: (body: CarePlanBody) => request<CarePlan>('POST', '/api/care-plans', body),
  endPlan: (elderId: string) => request<CarePlan>('DELETE', `/api/care-plans/${encodeURIComponent(elderId)}`),
  summary: (from: string, to: string) =>
    request<CareSummary>('GET', `/api/care-calls/summary?from=${from}&to=${to}`),
};

export const OUTCOME_WORDS: Record<CareOutcome, string> = {
  well: '平安',
  unwell: '身体不适',
  no_answer: '未接通',
};
