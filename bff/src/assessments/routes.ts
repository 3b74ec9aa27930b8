/**
 * 老年人能力评估: a worker of the elder's community (or admin) records an assessment; the elder's
 * `careLevel` — what discount rules for care levels look at — then follows the latest one.
 */
import {
  assessmentProblems,
  chinaDate,
  CreateAssessmentBodySchema,
  IdParamsSchema,
  scoreAssessment,
} from '@yiyangtong/shared';
import { recordAudit } from '../audit/record';
import { conflict, validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import { conditionalUpdate } from '../db/write-lock';
import { loadElderFor } from '../elders/access';
import { Elder, type ElderDoc } from '../elders/model';
import { Assessment, assessmentView, latestFirst, type AssessmentDoc } from './model';

/** A retired elder (`status: 'retired'`, when the field exists) is no longer assessed. */
function assertNotRetired(elder: ElderDoc): void {
  if ((elder as ElderDoc & { status?: string }).status === 'retired')
    throw conflict('ELDER_RETIRED', '该长者已退出服务，不能再评估');
}

export async function assessmentsOf(elderId: string): Promise<AssessmentDoc[]> {
  return (await Assessment.find({ elderId }).limit(500).lean<AssessmentDoc[]>()).sort(latestFirst);
}

/**
 * Sets the elder's care level, `lastAssessedAt` and `assessmentId` from their latest assessment.
 * Optimistic: the write holds only while `assessmentId` is still what was read, so two
 * assessments saved at once (in any process) end with the latest of the two, whichever wrote last.
 * Returns the care level before and after.
 */
export async function followLatestAssessment(
  elderId: string,
): Promise<{ before?: string; after?: string } | null> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const elder = await Elder.findById(elderId).lean<ElderDoc>();
    if (!elder) return null;
    const [latest] = await assessmentsOf(elderId);
    if (!latest || elder.assessmentId === String(latest._id))
      return { before: elder.careLevel, after: elder.careLevel };
    const updated = await conditionalUpdate(
      Elder,
      elderId,
      { assessmentId: elder.assessmentId ?? { $exists: false } },
      {
        $set: {
          careLevel: latest.careLevel,
          lastAssessedAt: latest.assessedAt,
          assessmentId: String(latest._id),
        },
      },
    );
    if (updated) return { before: elder.careLevel, after: updated.careLevel };
  }
  return null;
}

export function assessmentRoutes(api: Api, clock: () => Date): void {
  api.add({
    method: 'post',
    path: '/api/elders/:id/assessments',
    tag: 'elders',
    summary:
      '老年人能力评估（GB/T 42195-2022，26 项）：算出总分与等级，长者的照护等级随最新一次评估（本社区助老员或管理员）',
    access: ['worker', 'admin'],
    otherStatuses: [409],
    rules: {
      items: '26 个评估项目每项恰好一次',
      assessedAt: '不晚于今天（中国时间）',
    },
    params: IdParamsSchema,
    body: CreateAssessmentBodySchema,
    status: 201,
    handler: async ({ params, body, actor }) => {
      const problems = assessmentProblems(body.items as { code: string; score: number }[]);
      if (Object.keys(problems).length) throw validationFailed(problems);
      const today = chinaDate(clock());
      if (body.assessedAt && body.assessedAt > today)
        throw validationFailed({ assessedAt: '评估日期不能晚于今天' });
      const elder = await loadElderFor(actor, params.id);
      assertNotRetired(elder);
      const items = body.items.map((i) => ({ code: i.code as string, score: i.score as number }));
      const result = scoreAssessment(items);
      const created = await Assessment.create({
        elderId: params.id,
        communityId: elder.communityId,
        items,
        ...result,
        assessedAt: body.assessedAt ?? today,
        ...(body.notes ? { notes: body.notes } : {}),
        assessedBy: { userId: actor.id, name: actor.name, role: actor.role },
      });
      const care = await followLatestAssessment(params.id);
      // On the elder's record: what matters downstream is the care level it may have changed.
      await recordAudit(actor, {
        action: 'assessment.create',
        targetType: 'elder',
        targetId: params.id,
        communityId: elder.communityId,
        changes:
          care && care.before !== care.after
            ? [{ field: 'careLevel', before: care.before, after: care.after }]
            : [],
        reason: `能力评估 ${result.total} 分（${result.levelName}），评估日期 ${created.assessedAt}，评估编号 ${String(created._id)}`,
      });
      return {
        ...assessmentView(created.toObject()),
        elderCareLevel: care?.after ?? null,
      };
    },
  });

  api.add({
    method: 'get',
    path: '/api/elders/:id/assessments',
    tag: 'elders',
    summary: '长者的能力评估记录（最新在前）',
    access: ['worker', 'admin'],
    params: IdParamsSchema,
    handler: async ({ params, actor }) => {
      await loadElderFor(actor, params.id);
      return { items: (await assessmentsOf(params.id)).map(assessmentView) };
    },
  });
}
