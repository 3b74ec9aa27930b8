/**
 * The demo district for `npm start`: a 官渡区-like district in Kunming with three
 * communities, a canteen in each, twenty elders of mixed ages and eligibility groups,
 * and one user of every role. Loaded only into a database without communities.
 */
import {
  addDays,
  ASSESSMENT_ITEMS,
  chinaDate,
  makeIdCardNo,
  scoreAssessment,
  SLOTS,
} from '@yiyangtong/shared';
import { Assessment } from '../assessments/model';
import type { CareLevel, EligibilityGroup } from '@yiyangtong/shared';
import { createUser } from '../accounts/service';
import { Elder, FamilyLink, familyLinkId } from '../elders/model';
import { idCardCipher } from '../elders/idcard-crypto';
import { DiscountRuleModel } from '../discounts/model';
import { Dish, Menu, menuId } from '../menus/model';
import { Canteen, Community } from '../places/model';
import type { Who } from '../services/model';
import { seedDemoServices } from './services-demo';

export const DEMO_PASSWORD = 'Demo@2026';

export const DEMO_ACCOUNTS = [
  { role: 'worker', phone: '13900000001', name: '李敏（关上社区助老员）' },
  { role: 'canteen_staff', phone: '13900000002', name: '赵红（关上长者食堂）' },
  { role: 'provider', phone: '13900000003', name: '周强（家政服务员）' },
  { role: 'family', phone: '13900000004', name: '张伟（张桂兰之子）' },
  { role: 'elder', phone: '13900000005', name: '张桂兰' },
  { role: 'provider', phone: '13900000006', name: '孙丽（康复护理员）' },
] as const;

const COMMUNITIES = [
  { name: '关上社区', location: { lng: 102.7457, lat: 25.0186 } },
  { name: '世纪城社区', location: { lng: 102.7553, lat: 25.0054 } },
  { name: '太和社区', location: { lng: 102.731, lat: 25.033 } },
];

const CANTEENS = [
  { name: '关上长者食堂', address: '官渡区关上中路 88 号', offset: { lng: 0.0012, lat: 0.0008 } },
  { name: '世纪城便民食堂', address: '官渡区世纪城中路 16 号', offset: { lng: -0.001, lat: 0.0015 } },
  { name: '太和长者食堂', address: '官渡区太和街道和平路 3 号', offset: { lng: 0.0006, lat: -0.0011 } },
];

// name, birthDate, gender, groups, care level of their assessment, community index
const ELDERS: [string, string, 'male' | 'female', EligibilityGroup[], CareLevel, number][] = [
  ['张桂兰', '1948-03-12', 'female', [], 'mild', 0],
  ['王建国', '1951-07-01', 'male', ['youfu'], 'intact', 0],
  ['李秀英', '1939-11-23', 'female', ['tekun'], 'moderate', 0],
  ['刘德明', '1960-02-29', 'male', ['dibao'], 'intact', 0],
  ['陈玉珍', '1944-05-05', 'female', ['disabled'], 'severe', 0],
  ['杨志刚', '1956-09-18', 'male', [], 'intact', 0],
  ['赵淑芬', '1942-01-30', 'female', ['jisheng'], 'mild', 0],
  ['黄永福', '1949-12-08', 'male', ['jiandang'], 'mild', 1],
  ['周凤英', '1953-04-16', 'female', [], 'intact', 1],
  ['吴国华', '1946-08-21', 'male', ['dibao', 'disabled'], 'moderate', 1],
  ['徐桂香', '1937-06-10', 'female', ['tekun'], 'severe', 1],
  ['孙明亮', '1962-10-03', 'male', [], 'intact', 1],
  ['马兰芝', '1950-03-27', 'female', ['youfu'], 'mild', 1],
  ['朱德顺', '1945-12-25', 'male', [], 'moderate', 2],
  ['胡秀兰', '1955-07-14', 'female', ['dibao'], 'intact', 2],
  ['郭长青', '1940-02-02', 'male', ['jisheng'], 'mild', 2],
  ['何美华', '1958-11-11', 'female', [], 'intact', 2],
  ['高文斌', '1947-04-04', 'male', ['jiandang'], 'mild', 2],
  ['林素梅', '1952-09-09', 'female', ['disabled'], 'moderate', 2],
  ['罗振华', '1943-01-19', 'male', ['youfu'], 'severe', 2],
];

/** Demo elder `i`'s ID number and phones (also what the test suite's log scan looks for). */
export function demoElderPersonalData(i: number): { idCardNo: string; phone: string; contactPhone: string } {
  const [, birthDate, gender] = ELDERS[i];
  return {
    idCardNo: makeIdCardNo('530111', birthDate, 100 + i * 2 + (gender === 'male' ? 1 : 0)),
    phone: `1870871${String(1000 + i).slice(-4)}`,
    contactPhone: `1398871${String(2000 + i).slice(-4)}`,
  };
}
export const DEMO_ELDER_COUNT = ELDERS.length;

export async function seedDemoDistrict(): Promise<boolean> {
  if (await Community.exists({})) return false;
  const communities = await Community.insertMany(COMMUNITIES.map((c) => ({ ...c, district: '官渡区' })));
  const canteens = await Canteen.insertMany(
    CANTEENS.map((c, i) => ({
      name: c.name,
      communityId: String(communities[i]._id),
      district: '官渡区',
      address: c.address,
      location: {
        lng: COMMUNITIES[i].location.lng + c.offset.lng,
        lat: COMMUNITIES[i].location.lat + c.offset.lat,
      },
      slots: [
        { slot: 'breakfast', cutoff: '20:00', cutoffDayBefore: true },
        { slot: 'lunch', cutoff: '10:00' },
        { slot: 'dinner', cutoff: '15:00' },
      ],
      fulfilment: ['dine_in', 'take_away', 'delivery'],
      deliveryFee: 200,
    })),
  );
  const elders = await Elder.insertMany(
    ELDERS.map(([name, birthDate, gender, groups, , ci], i) => ({
      name,
      ...idCardCipher().seal(demoElderPersonalData(i).idCardNo),
      phone: demoElderPersonalData(i).phone,
      birthDate,
      gender,
      address: `官渡区${COMMUNITIES[ci].name}${(i % 6) + 1}栋${(i % 4) + 1}单元${100 + i}室`,
      location: {
        lng: COMMUNITIES[ci].location.lng + (i % 5) * 0.0004,
        lat: COMMUNITIES[ci].location.lat - (i % 3) * 0.0005,
      },
      communityId: String(communities[ci]._id),
      groups,
      diet: i % 3 === 0 ? ['少盐'] : i % 3 === 1 ? ['软食'] : [],
      emergencyContacts: [
        { name: `${name.slice(0, 1)}家属`, phone: demoElderPersonalData(i).contactPhone, relation: '子女' },
      ],
      createdBy: 'demo-seed',
    })),
  );
  await seedAssessments(
    elders.map((e) => String(e._id)),
    elders.map((e) => e.communityId),
  );
  const [worker, staff, provider, family, elderAccount, provider2] = DEMO_ACCOUNTS;
  const workerUser = await createUser({
    ...worker,
    password: DEMO_PASSWORD,
    communityId: String(communities[0]._id),
  });
  await createUser({ ...staff, password: DEMO_PASSWORD, canteenId: String(canteens[0]._id) });
  const allCommunities = communities.map((c) => String(c._id));
  // What each provider does and where: dispatch suggests the fitting ones first.
  const providerUser = await createUser({
    ...provider,
    password: DEMO_PASSWORD,
    providerId: 'guandu-home-care',
    serviceCategories: ['clean', 'bath', 'escort', 'meal', 'repair'],
    communityIds: allCommunities,
  });
  const familyUser = await createUser({ ...family, password: DEMO_PASSWORD });
  const elderId = String(elders[0]._id);
  const elderUser = await createUser({
    ...elderAccount,
    password: DEMO_PASSWORD,
    communityId: String(communities[0]._id),
    elderId,
  });
  await Elder.updateOne({ _id: elders[0]._id }, { $set: { userId: String(elderUser._id) } });
  await FamilyLink.create({
    _id: familyLinkId(String(familyUser._id), elderId),
    familyUserId: String(familyUser._id),
    elderId,
  });
  await seedMeals(canteens.map((c) => String(c._id)));
  const who = (u: { _id: unknown; role: string; name: string }) =>
    ({ userId: String(u._id), role: u.role, name: u.name }) as Who;
  await seedDemoServices({
    elders: elders.map((e, i) => ({
      ...e.toObject(),
      careLevel: ELDERS[i][4], // what seedAssessments set
      ...(i === 0 ? { userId: String(elderUser._id) } : {}),
    })),
    workers: { [String(communities[0]._id)]: who(workerUser) },
    providers: [
      who(providerUser),
      who(
        await createUser({
          ...provider2,
          password: DEMO_PASSWORD,
          providerId: 'guandu-rehab',
          serviceCategories: ['rehab', 'nursing'],
          communityIds: allCommunities.slice(0, 2),
        }),
      ),
    ],
  });
  return true;
}

/** A total in the middle of each care level's band (完全失能 is not among the demo elders). */
const DEMO_TOTALS: Record<CareLevel, number> = { intact: 90, mild: 78, moderate: 55, severe: 38 };

/**
 * Every demo elder has one capability assessment, and their care level comes from it (as for a
 * real elder). Every fifth was assessed over a year ago, so the worker's list shows 需复评.
 */
async function seedAssessments(elderIds: string[], communityIds: string[]): Promise<void> {
  const today = chinaDate();
  for (const [i, elderId] of elderIds.entries()) {
    let left = DEMO_TOTALS[ELDERS[i][4]];
    const items = ASSESSMENT_ITEMS.map((item) => {
      const score = Math.min(left, Math.max(...item.options.map((o) => o.score)));
      left -= score;
      return { code: item.code, score };
    });
    const result = scoreAssessment(items);
    const assessedAt = addDays(today, i % 5 === 4 ? -400 : -(10 + i * 7));
    const a = await Assessment.create({
      elderId,
      communityId: communityIds[i],
      items,
      ...result,
      assessedAt,
      assessedBy: { userId: 'demo-seed', name: '演示数据', role: 'worker' },
    });
    await Elder.updateOne(
      { _id: elderId },
      { $set: { careLevel: result.careLevel, lastAssessedAt: assessedAt, assessmentId: String(a._id) } },
    );
  }
}

// Small portions priced 3–9 元 (seed 001), plus staples.
const DISHES: [string, number, string[]][] = [
  ['清蒸鲈鱼', 900, ['鱼']],
  ['红烧肉（小份）', 800, []],
  ['宫保鸡丁', 700, ['花生']],
  ['番茄炒蛋', 400, ['蛋']],
  ['肉末茄子', 500, []],
  ['清炒时蔬', 300, []],
  ['麻婆豆腐', 400, ['豆制品']],
  ['土豆烧排骨', 900, []],
  ['香菇青菜', 300, []],
  ['黄焖鸡', 800, []],
  ['木耳炒肉', 600, []],
  ['冬瓜丸子汤', 500, []],
  ['虾仁蒸蛋', 600, ['虾', '蛋']],
  ['酸菜鱼片', 900, ['鱼']],
  ['凉拌黄瓜', 300, []],
  ['青椒肉丝', 600, []],
  ['豆腐鲫鱼汤', 700, ['鱼', '豆制品']],
  ['回锅肉（少油）', 700, []],
  ['南瓜蒸百合', 400, []],
  ['菌子炒肉', 800, []],
  ['白菜炖粉条', 400, []],
  ['卤鸡腿', 700, []],
];
const STAPLES: [string, number][] = [
  ['米饭', 100],
  ['杂粮饭', 150],
  ['馒头', 100],
  ['小米粥', 100],
  ['玉米', 200],
  ['面条（软）', 300],
];
const BREAKFAST = ['小米粥', '馒头', '玉米', '虾仁蒸蛋', '凉拌黄瓜', '面条（软）'];

async function seedMeals(canteenIds: string[]): Promise<void> {
  const today = chinaDate();
  for (const canteenId of canteenIds) {
    const dishes = await Dish.insertMany([
      ...DISHES.map(([name, price, allergens]) => ({ canteenId, name, price, tags: ['少盐'], allergens })),
      ...STAPLES.map(([name, price]) => ({ canteenId, name, price, tags: ['主食'], allergens: [] })),
    ]);
    for (let day = 0; day < 7; day++) {
      const date = addDays(today, day);
      for (const slot of SLOTS) {
        // A rotating dozen dishes a meal, all staples; breakfast is lighter.
        const chosen =
          slot === 'breakfast'
            ? dishes.filter((d) => BREAKFAST.includes(d.name))
            : dishes.filter(
                (_, i) =>
                  i >= DISHES.length || (i + day * 5 + (slot === 'dinner' ? 11 : 0)) % DISHES.length < 12,
              );
        const items = chosen.map((d) => ({
          dishId: String(d._id),
          name: d.name,
          price: d.price,
          quota: d.tags.includes('主食') ? 80 : 30,
        }));
        const id = menuId(canteenId, date, slot);
        await Menu.create({
          _id: id,
          canteenId,
          date,
          slot,
          items,
          remaining: Object.fromEntries(items.map((i) => [i.dishId, i.quota])),
          updatedAt: new Date(),
        });
      }
    }
  }
  // The district's rules: age bands, and a fixed 2 元 lunch for 低保/特困, all government funded,
  // one subsidised meal per elder per slot per day. The fixed-price rule wins by priority.
  const validFrom = addDays(today, -30);
  const common = {
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom,
    active: true,
    createdBy: 'demo-seed',
  } as const;
  await DiscountRuleModel.insertMany([
    {
      ...common,
      name: '60–69岁助餐优惠',
      minAge: 60,
      maxAge: 69,
      benefit: { type: 'amount_off', value: 100 },
      priority: 10,
    },
    {
      ...common,
      name: '70–79岁助餐优惠',
      minAge: 70,
      maxAge: 79,
      benefit: { type: 'amount_off', value: 200 },
      priority: 10,
    },
    {
      ...common,
      name: '80岁以上助餐优惠',
      minAge: 80,
      benefit: { type: 'amount_off', value: 300 },
      priority: 10,
    },
    {
      ...common,
      name: '低保/特困长者午餐2元',
      groups: ['dibao', 'tekun'],
      slots: ['lunch'],
      benefit: { type: 'fixed_price', value: 200 },
      priority: 20,
    },
  ]);
}
