/**
 * The demo district for `npm start`: a 官渡区-like district in Kunming with three
 * communities, a canteen in each, twenty elders of mixed ages and eligibility groups,
 * and one user of every role. Loaded only into a database without communities.
 */
import { makeIdCardNo } from '@yiyangtong/shared';
import type { CareLevel, EligibilityGroup } from '@yiyangtong/shared';
import { createUser } from '../accounts/service';
import { Elder, FamilyLink, familyLinkId } from '../elders/model';
import { Canteen, Community } from '../places/model';

export const DEMO_PASSWORD = 'Demo@2026';

export const DEMO_ACCOUNTS = [
  { role: 'worker', phone: '13900000001', name: '李敏（关上社区助老员）' },
  { role: 'canteen_staff', phone: '13900000002', name: '赵红（关上长者食堂）' },
  { role: 'provider', phone: '13900000003', name: '周强（家政服务员）' },
  { role: 'family', phone: '13900000004', name: '张伟（张桂兰之子）' },
  { role: 'elder', phone: '13900000005', name: '张桂兰' },
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

// name, birthDate, gender, groups, careLevel, community index
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

export async function seedDemoDistrict(): Promise<boolean> {
  if (await Community.exists({})) return false;
  const communities = await Community.insertMany(COMMUNITIES.map((c) => ({ ...c, district: '官渡区' })));
  const canteens = await Canteen.insertMany(
    CANTEENS.map((c, i) => ({
      name: c.name,
      communityId: String(communities[i]._id),
      district: '官渡区',
      address: c.address,
      location: { lng: COMMUNITIES[i].location.lng + c.offset.lng, lat: COMMUNITIES[i].location.lat + c.offset.lat },
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
    ELDERS.map(([name, birthDate, gender, groups, careLevel, ci], i) => ({
      name,
      idCardNo: makeIdCardNo('530111', birthDate, 100 + i * 2 + (gender === 'male' ? 1 : 0)),
      phone: `1870871${String(1000 + i).slice(-4)}`,
      birthDate,
      gender,
      address: `官渡区${COMMUNITIES[ci].name}${(i % 6) + 1}栋${(i % 4) + 1}单元${100 + i}室`,
      location: { lng: COMMUNITIES[ci].location.lng + (i % 5) * 0.0004, lat: COMMUNITIES[ci].location.lat - (i % 3) * 0.0005 },
      communityId: String(communities[ci]._id),
      groups,
      careLevel,
      diet: i % 3 === 0 ? ['少盐'] : i % 3 === 1 ? ['软食'] : [],
      emergencyContacts: [{ name: `${name.slice(0, 1)}家属`, phone: `1398871${String(2000 + i).slice(-4)}`, relation: '子女' }],
      createdBy: 'demo-seed',
    })),
  );
  const [worker, staff, provider, family, elderAccount] = DEMO_ACCOUNTS;
  await createUser({ ...worker, password: DEMO_PASSWORD, communityId: String(communities[0]._id) });
  await createUser({ ...staff, password: DEMO_PASSWORD, canteenId: String(canteens[0]._id) });
  await createUser({ ...provider, password: DEMO_PASSWORD, providerId: 'guandu-home-care' });
  const familyUser = await createUser({ ...family, password: DEMO_PASSWORD });
  const elderId = String(elders[0]._id);
  const elderUser = await createUser({ ...elderAccount, password: DEMO_PASSWORD, communityId: String(communities[0]._id), elderId });
  await Elder.updateOne({ _id: elders[0]._id }, { $set: { userId: String(elderUser._id) } });
  await FamilyLink.create({ _id: familyLinkId(String(familyUser._id), elderId), familyUserId: String(familyUser._id), elderId });
  return true;
}
