import { z } from 'zod';
import {
  CreateDiscountRuleBodySchema,
  discountRuleIssues,
  IdParamsSchema,
  IdSchema,
  UpdateDiscountRuleBodySchema,
  validateRule,
  type DiscountRule,
} from '@yiyangtong/shared';
import { changesBetween, recordAudit } from '../audit/record';
import { conflict, notFound, validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import { isDuplicateKeyError } from '../db/errors';
import { conditionalUpdate } from '../db/write-lock';
import { Canteen } from '../places/model';
import {
  DiscountRuleModel,
  DiscountRuleVersion,
  forgetRules,
  toRule,
  type DiscountRuleDoc,
  type DiscountRuleVersionDoc,
} from './model';
import { objectIdOrNull } from '../db/ids';

/** The fields a person sets on a rule (what the audit log and the versions compare). */
const RULE_FIELDS = [
  'name',
  'canteenId',
  'district',
  'minAge',
  'maxAge',
  'groups',
  'careLevels',
  'slots',
  'benefit',
  'fundedBy',
  'perElderPerSlotPerDay',
  'priority',
  'stackable',
  'validFrom',
  'validTo',
  'appliesTo',
  'serviceCategories',
] as const;

const RULES_IN_WORDS = {
  canteenId: '必须是已有的食堂',
  'benefit.value': 'percent_off 时为 1 到 100',
  maxAge: '不小于 minAge',
  validTo: '不早于 validFrom',
  '(body)': '计价引擎的其他规则',
};

/** The engine's own checks, so a stored rule never breaks pricing. */
function engineCheck(rule: DiscountRule): void {
  try {
    validateRule(rule);
  } catch (err) {
    throw validationFailed({ '(body)': err instanceof Error ? err.message : String(err) });
  }
}

async function assertCanteen(canteenId: string | undefined): Promise<void> {
  if (canteenId && !(await Canteen.exists({ _id: objectIdOrNull(canteenId) })))
    throw validationFailed({ canteenId: '食堂不存在' });
}

/** Only the fields a person sets (plain JSON), for the audit log and the version history. */
function ruleFields(r: Partial<DiscountRule>): Partial<DiscountRule> {
  const out: Record<string, unknown> = {};
  for (const f of RULE_FIELDS) if (r[f] !== undefined && r[f] !== null) out[f] = r[f];
  const b = out.benefit as { type: string; value: number } | undefined;
  if (b) out.benefit = { type: b.type, value: b.value };
  return out as Partial<DiscountRule>;
}

function versionView(v: {
  version: number;
  at?: Date;
  by?: string;
  reason?: string;
  replacedAt?: Date;
  rule: Partial<DiscountRule>;
  current: boolean;
}) {
  return {
    version: v.version,
    current: v.current,
    ...(v.at ? { at: new Date(v.at).toISOString() } : {}),
    ...(v.by ? { by: v.by } : {}),
    ...(v.reason ? { reason: v.reason } : {}),
    ...(v.replacedAt ? { replacedAt: new Date(v.replacedAt).toISOString() } : {}),
    rule: v.rule,
  };
}

export function discountRoutes(api: Api): void {
  api.add({
    method: 'post',
    path: '/api/discount-rules',
    tag: 'discounts',
    summary: '新建优惠/补贴规则（管理员）',
    access: ['admin'],
    rules: RULES_IN_WORDS,
    body: CreateDiscountRuleBodySchema,
    status: 201,
    handler: async ({ body, actor }) => {
      await assertCanteen(body.canteenId);
      engineCheck({ id: 'new', ...body });
      const doc = await DiscountRuleModel.create({
        ...body,
        active: true,
        createdBy: actor.id,
        version: 1,
        versionAt: new Date(),
        versionBy: actor.id,
      });
      forgetRules();
      const rule = toRule(doc.toObject());
      await recordAudit(actor, {
        action: 'discount_rule.create',
        targetType: 'discount_rule',
        targetId: rule.id,
        changes: changesBetween({}, ruleFields(rule), RULE_FIELDS),
      });
      return rule;
    },
  });

  api.add({
    method: 'get',
    path: '/api/discount-rules',
    tag: 'discounts',
    summary: '优惠/补贴规则列表',
    access: 'signed_in',
    query: z.object({ canteenId: IdSchema.optional() }),
    handler: async ({ query }) => {
      const docs = await DiscountRuleModel.find({}).sort({ priority: -1, _id: 1 }).limit(1000).lean();
      const rules = docs
        .map(toRule)
        .filter((r) => !query.canteenId || !r.canteenId || r.canteenId === query.canteenId);
      return { items: rules };
    },
  });

  api.add({
    method: 'patch',
    path: '/api/discount-rules/:id',
    tag: 'discounts',
    summary:
      '修改或结束优惠/补贴规则（管理员）：成为规则的新版本，只用于此后下的单；已下的单保留原价格明细和所用版本',
    access: ['admin'],
    otherStatuses: [409],
    rules: { ...RULES_IN_WORDS, '(body)': '至少修改一项；计价引擎的其他规则' },
    params: IdParamsSchema,
    body: UpdateDiscountRuleBodySchema,
    handler: async ({ params, body, actor }) => {
      const before = await DiscountRuleModel.findById(objectIdOrNull(params.id)).lean<DiscountRuleDoc>();
      if (!before) throw notFound('优惠规则');
      const { reason, ...set } = body;
      const was = toRule(before);
      const next = { ...was, ...set } as DiscountRule;
      const issues = discountRuleIssues({
        benefit: next.benefit,
        minAge: next.minAge ?? undefined,
        maxAge: next.maxAge ?? undefined,
        validFrom: next.validFrom,
        validTo: next.validTo ?? undefined,
      });
      if (Object.keys(issues).length) throw validationFailed(issues);
      if (set.canteenId !== undefined) await assertCanteen(set.canteenId);
      engineCheck(next);
      const changes = changesBetween(ruleFields(was), ruleFields(next), RULE_FIELDS);
      if (!changes.length) return was;

      const version = was.version ?? 1;
      const now = new Date();
      // The version being replaced is kept first: a crash after this leaves the rule as it was
      // (the copy is the same), and a retry or a concurrent change finds it already kept.
      try {
        await DiscountRuleVersion.create({
          _id: `${params.id}:${version}`,
          ruleId: params.id,
          version,
          ...ruleFields(was),
          at: before.versionAt ?? before.createdAt,
          by: before.versionBy ?? before.createdBy,
          ...(before.versionReason ? { reason: before.versionReason } : {}),
          replacedAt: now,
        });
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
      // null clears a field: it is removed, as a rule created without it
      const cleared = Object.keys(set).filter((k) => set[k as keyof typeof set] === null);
      const values = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== null));
      const unset = [...cleared, ...(reason ? [] : ['versionReason'])];
      const after = await conditionalUpdate<DiscountRuleDoc>(
        DiscountRuleModel,
        params.id,
        { version: before.version ?? null },
        {
          $set: {
            ...values,
            version: version + 1,
            versionAt: now,
            versionBy: actor.id,
            ...(reason ? { versionReason: reason } : {}),
          },
          ...(unset.length ? { $unset: Object.fromEntries(unset.map((k) => [k, 1])) } : {}),
        },
      );
      if (!after) throw conflict('RULE_CHANGED', '这条规则刚被别人修改过，请刷新后再改');
      forgetRules();
      await recordAudit(actor, {
        action: 'discount_rule.update',
        targetType: 'discount_rule',
        targetId: params.id,
        changes,
        reason,
      });
      return toRule(after);
    },
  });

  api.add({
    method: 'get',
    path: '/api/discount-rules/:id/versions',
    tag: 'discounts',
    summary: '优惠/补贴规则的历史版本（管理员），新版本在前',
    access: ['admin'],
    params: IdParamsSchema,
    handler: async ({ params }) => {
      const current = await DiscountRuleModel.findById(objectIdOrNull(params.id)).lean<DiscountRuleDoc>();
      if (!current) throw notFound('优惠规则');
      const kept = await DiscountRuleVersion.find({ ruleId: params.id })
        .limit(1000)
        .lean<DiscountRuleVersionDoc[]>();
      const rule = toRule(current);
      const items = [
        versionView({
          version: rule.version ?? 1,
          at: current.versionAt ?? current.createdAt,
          by: current.versionBy ?? current.createdBy,
          reason: current.versionReason,
          rule: ruleFields(rule),
          current: true,
        }),
        ...kept
          .filter((v) => v.version < (rule.version ?? 1))
          .sort((a, b) => b.version - a.version)
          .map((v) =>
            versionView({
              version: v.version,
              at: v.at,
              by: v.by,
              reason: v.reason,
              replacedAt: v.replacedAt,
              rule: ruleFields(v as unknown as DiscountRule),
              current: false,
            }),
          ),
      ];
      return { ruleId: params.id, items };
    },
  });
}
