/**
 * Demo home services for `npm start`: the catalogue (助浴 60 元/次, 助洁 30 元/小时 …), the
 * district's service subsidies, a second provider, and a month of history — visits in every
 * state with timelines, ratings and follow-ups, and SOS alarms — so the figures are not empty.
 * The day counters are then rebuilt from that history by the same recount the tests check.
 */
import mongoose from 'mongoose';
import {
  addDays,
  chargedUnits,
  chinaDate,
  chinaInstant,
  computeServicePricing,
  type ServiceCategory,
  type ServiceStatus,
} from '@yiyangtong/shared';
import { DiscountRuleModel, toRule } from '../discounts/model';
import type { ElderDoc } from '../elders/model';
import { rebuildDay } from '../reports/recount';
import { ServiceItem, ServiceOrder, type TimelineEntry, type Who } from '../services/model';
import { Sos } from '../sos/model';

const CATALOGUE: [ServiceCategory, string, number, 'visit' | 'hour', number][] = [
  ['meal', '助餐送餐上门', 500, 'visit', 20],
  ['bath', '上门助浴', 6000, 'visit', 60],
  ['clean', '居家保洁', 3000, 'hour', 120],
  ['escort', '陪同就医/助行', 2500, 'hour', 120],
  ['nursing', '上门护理（换药、测血压血糖）', 5000, 'visit', 45],
  ['rehab', '康复训练', 8000, 'visit', 60],
  ['medical', '家庭医生上门诊疗', 3000, 'visit', 30],
  ['repair', '水电小修', 2000, 'visit', 40],
];

// The path a visit takes; a visit stops at its final state.
const PATH: ServiceStatus[] = [
  'requested',
  'dispatched',
  'accepted',
  'in_service',
  'completed',
  'rated',
  'followed_up',
];
const ACTION: Record<string, TimelineEntry['action']> = {
  dispatched: 'dispatch',
  accepted: 'accept',
  in_service: 'check_in',
  completed: 'check_out',
  rated: 'rate',
  followed_up: 'follow_up',
  cancelled: 'cancel',
  rejected: 'reject',
};

/** A small deterministic generator, so every `npm start` shows the same history. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

export async function seedDemoServices(opts: {
  elders: ElderDoc[];
  workers: Record<string, Who>;
  providers: Who[];
}): Promise<void> {
  const providers = opts.providers;
  const items = await ServiceItem.insertMany(
    CATALOGUE.map(([category, name, price, unit, durationMin]) => ({
      category,
      name,
      price,
      unit,
      durationMin,
    })),
  );
  const today = chinaDate();
  const validFrom = addDays(today, -60);
  const common = {
    fundedBy: 'government',
    appliesTo: 'service',
    validFrom,
    active: true,
    createdBy: 'demo-seed',
  } as const;
  const rules = await DiscountRuleModel.insertMany([
    {
      ...common,
      name: '80岁以上助浴、护理补贴五折',
      minAge: 80,
      serviceCategories: ['bath', 'nursing'],
      benefit: { type: 'percent_off', value: 50 },
      priority: 10,
    },
    {
      ...common,
      name: '低保/特困/重残长者上门服务政府兜底',
      groups: ['dibao', 'tekun', 'disabled'],
      serviceCategories: ['bath', 'clean', 'nursing', 'rehab', 'escort'],
      benefit: { type: 'fixed_price', value: 0 },
      priority: 20,
    },
    {
      ...common,
      name: '75岁以上上门服务减5元',
      minAge: 75,
      benefit: { type: 'amount_off', value: 500 },
      priority: 5,
    },
  ]);
  const engineRules = rules.map((r) => toRule(r.toObject()));

  const rand = rng(20261124);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const days = new Set<string>();
  const orders = [];
  // Final states cycle through every state; most visits complete the loop.
  const FINALS: ServiceStatus[] = [
    'followed_up',
    'followed_up',
    'rated',
    'followed_up',
    'completed',
    'rated',
    'cancelled',
    'followed_up',
    'rejected',
    'dispatched',
    'accepted',
    'in_service',
    'requested',
    'followed_up',
  ];
  for (let n = 0; n < 56; n++) {
    const elder = opts.elders[Math.floor(rand() * opts.elders.length)];
    const item = pick(items);
    const ageDays = 29 - Math.floor((n / 56) * 30);
    const createdDay = addDays(today, -ageDays);
    const day = addDays(createdDay, 1 + Math.floor(rand() * 2));
    const final =
      ageDays < 3 && n % 2
        ? pick<ServiceStatus>(['requested', 'dispatched', 'accepted'])
        : FINALS[n % FINALS.length];
    const worker = opts.workers[elder.communityId] ?? Object.values(opts.workers)[0];
    const provider = pick(providers);
    const elderWho: Who = { userId: elder.userId ?? String(elder._id), role: 'elder', name: elder.name };
    const start = chinaInstant(day, rand() < 0.5 ? '09:00' : '14:00');
    const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
    const createdAt = chinaInstant(createdDay, '08:30');
    const timeline: TimelineEntry[] = [
      { status: 'requested', action: 'request', at: createdAt, by: elderWho },
    ];
    const units = chargedUnits(item.unit, item.durationMin);
    const pricing = computeServicePricing({
      elder: { birthDate: elder.birthDate, groups: elder.groups ?? [], careLevel: elder.careLevel ?? null },
      district: '官渡区',
      date: day,
      category: item.category,
      items: [{ dishId: String(item._id), name: item.name, price: item.price, qty: units }],
      rules: engineRules,
    });
    const doc: Record<string, unknown> = {
      _id: new mongoose.Types.ObjectId(),
      elderId: String(elder._id),
      elderName: elder.name,
      communityId: elder.communityId,
      item: {
        id: String(item._id),
        category: item.category,
        name: item.name,
        price: item.price,
        unit: item.unit,
        durationMin: item.durationMin,
      },
      units,
      scheduledAt: start,
      day,
      createdDay,
      address: elder.address,
      pricing,
      bookedBy: elderWho,
      createdAt,
    };
    if (final === 'cancelled') {
      timeline.push({
        status: 'cancelled',
        action: 'cancel',
        at: chinaInstant(createdDay, '10:00'),
        by: elderWho,
      });
    } else if (final === 'rejected') {
      timeline.push({
        status: 'dispatched',
        action: 'dispatch',
        at: chinaInstant(createdDay, '09:00'),
        by: worker,
        note: provider.name,
      });
      timeline.push({
        status: 'rejected',
        action: 'reject',
        at: chinaInstant(createdDay, '09:30'),
        by: provider,
        note: '当天排满',
      });
      {
        doc.provider = { userId: provider.userId, name: provider.name };
        doc.providerUserId = provider.userId;
      }
    } else {
      const duration = Math.round(item.durationMin * (0.8 + rand() * 0.5));
      const stamps: Record<string, Date> = {
        dispatched: chinaInstant(createdDay, '09:00'),
        accepted: chinaInstant(createdDay, '09:20'),
        in_service: at(Math.floor(rand() * 10)),
        completed: at(10 + duration),
        rated: at(60 + duration),
        followed_up: new Date(start.getTime() + 26 * 3600_000),
      };
      for (const status of PATH.slice(1, PATH.indexOf(final) + 1)) {
        const by =
          status === 'dispatched' || status === 'followed_up'
            ? worker
            : status === 'rated'
              ? elderWho
              : provider;
        timeline.push({ status, action: ACTION[status], at: stamps[status], by });
      }
      if (PATH.indexOf(final) >= 1) {
        doc.provider = { userId: provider.userId, name: provider.name };
        doc.providerUserId = provider.userId;
      }
      if (PATH.indexOf(final) >= 3) doc.checkIn = { at: stamps.in_service, farFromHome: false };
      if (PATH.indexOf(final) >= 4) {
        const minutes = Math.round((stamps.completed.getTime() - stamps.in_service.getTime()) / 60_000);
        doc.checkOut = { at: stamps.completed, durationMin: minutes, notes: '已按要求完成' };
        doc.checkOutDay = chinaDate(stamps.completed);
      }
      const rated = final === 'rated' || (final === 'followed_up' && n % 3 !== 0);
      if (rated) {
        const score = rand() < 0.9 ? 5 - Math.floor(rand() * 2) : 3;
        doc.rating = {
          score,
          at: stamps.rated,
          by: elderWho,
          ...(score === 5 ? { comment: '服务很好，很耐心' } : {}),
        };
        doc.ratedDay = chinaDate(stamps.rated);
      } else if (final === 'followed_up') {
        // Followed up without a rating: drop the rated step from the timeline.
        const i = timeline.findIndex((t) => t.status === 'rated');
        if (i >= 0) timeline.splice(i, 1);
      }
      if (final === 'followed_up') {
        const satisfied = rand() < 0.95;
        doc.followUp = {
          satisfied,
          at: stamps.followed_up,
          by: worker,
          notes: satisfied ? '电话回访，长者满意' : '长者反映到达晚了',
        };
        doc.followUpDay = chinaDate(stamps.followed_up);
      }
    }
    doc.status = final;
    doc.timeline = timeline;
    for (const k of ['createdDay', 'checkOutDay', 'ratedDay', 'followUpDay'] as const) {
      if (typeof doc[k] === 'string') days.add(doc[k] as string);
    }
    orders.push(doc);
  }
  await ServiceOrder.insertMany(orders);

  // SOS alarms over the month, every one acknowledged and resolved.
  const alarms = [];
  for (let n = 0; n < 9; n++) {
    const elder = opts.elders[(n * 7) % opts.elders.length];
    const day = addDays(today, -27 + n * 3);
    const raisedAt = chinaInstant(day, `${String(8 + n).padStart(2, '0')}:15`);
    const seconds = 40 + Math.floor(rand() * 200);
    const worker = opts.workers[elder.communityId] ?? Object.values(opts.workers)[0];
    const by: Who = { userId: elder.userId ?? String(elder._id), role: 'elder', name: elder.name };
    const ackAt = new Date(raisedAt.getTime() + seconds * 1000);
    const resolvedAt = new Date(ackAt.getTime() + 20 * 60_000);
    const notes = n % 2 ? '老人头晕，已陪同就医' : '误触，已电话确认平安';
    alarms.push({
      elderId: String(elder._id),
      elderName: elder.name,
      communityId: elder.communityId,
      status: 'resolved',
      raisedBy: by,
      raisedAt,
      day,
      ack: { at: ackAt, by: worker, seconds },
      resolution: { at: resolvedAt, by: worker, notes, outcome: n % 2 ? 'hospital' : 'false_alarm' },
      timeline: [
        { status: 'open', at: raisedAt, by },
        { status: 'acknowledged', at: ackAt, by: worker },
        { status: 'resolved', at: resolvedAt, by: worker, note: notes },
      ],
    });
    days.add(day);
  }
  await Sos.insertMany(alarms);
  for (const day of days) await rebuildDay(day);
}
