/**
 * The month's settlement as files: the XLSX (「结算汇总」, 「补贴明细」) and the CSV carry the same
 * totals as the JSON settlement, in yuan with two decimals, ID numbers masked, with a Chinese
 * file name; only admin and that canteen's staff may download them.
 */
import ExcelJS from 'exceljs';
import { startTestServer, type TestServer } from '../harness/server';
import type { TestUser } from './fixtures';
import { MealFixtures, type OrderBody } from './meal-fixtures';

const now = new Date('2026-11-29T00:00:00Z');
let t: TestServer;
let m: MealFixtures;
let admin: string;
let canteen: { id: string; name: string };
let staff: TestUser;
let otherStaff: TestUser;
let worker: TestUser;
const elders: { id: string; sent: Record<string, any> }[] = [];
const month = '2026-12';
const q = () => `canteenId=${canteen.id}&month=${month}`;

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  admin = await m.adminToken();
  const comm = await m.community({ name: '关上社区' });
  canteen = await m.canteen(comm.id, { name: '关上长者食堂', fulfilment: ['dine_in', 'delivery'] });
  const other = await m.canteen(comm.id, { name: '世纪城便民食堂' });
  staff = await m.user('canteen_staff', { canteenId: canteen.id });
  otherStaff = await m.user('canteen_staff', { canteenId: other.id });
  worker = await m.user('worker', { communityId: comm.id });
  elders.push(await m.elder(worker.token, comm.id, { name: '王八五', birthDate: '1941-02-03', groups: [] }));
  elders.push(
    await m.elder(worker.token, comm.id, { name: '冯低保', birthDate: '1958-08-08', groups: ['dibao'] }),
  );
  elders.push(await m.elder(worker.token, comm.id, { name: '吴六五', birthDate: '1961-04-10', groups: [] }));
  await m.rule({
    name: '80岁以上助餐优惠',
    minAge: 80,
    benefit: { type: 'amount_off', value: 333 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom: '2026-01-01',
  });
  await m.rule({
    name: '低保午餐2元',
    groups: ['dibao'],
    slots: ['lunch'],
    benefit: { type: 'fixed_price', value: 200 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    priority: 10,
    validFrom: '2026-01-01',
  });
  await m.rule({
    name: '食堂晚餐九折',
    canteenId: canteen.id,
    slots: ['dinner'],
    benefit: { type: 'percent_off', value: 10 },
    fundedBy: 'canteen',
    stackable: true,
    validFrom: '2026-01-01',
  });
  const pork = await m.dish(staff.token, canteen.id, '红烧肉', 1250);
  const greens = await m.dish(staff.token, canteen.id, '清炒时蔬', 345);
  for (const date of ['2026-12-01', '2026-12-02', '2026-12-03'])
    for (const slot of ['lunch', 'dinner'] as const)
      await m.putMenu(staff.token, canteen.id, date, slot, [
        { dishId: pork.id, quota: 100 },
        { dishId: greens.id, quota: 100 },
      ]);
  const body = (
    e: number,
    date: string,
    slot: 'lunch' | 'dinner',
    extra: Partial<OrderBody> = {},
  ): OrderBody => ({
    elderId: elders[e].id,
    canteenId: canteen.id,
    date,
    slot,
    items: [
      { dishId: pork.id, qty: 1 },
      { dishId: greens.id, qty: e + 1 },
    ],
    ...extra,
  });
  for (const date of ['2026-12-01', '2026-12-02', '2026-12-03'])
    for (const slot of ['lunch', 'dinner'] as const)
      for (const e of [0, 1, 2]) await m.placed(worker.token, body(e, date, slot));
  await m.placed(
    worker.token,
    body(0, '2026-12-03', 'dinner', { fulfilment: 'delivery', address: '关上中路1号' }),
  );
  // A cancelled order is not settled, in any of the three.
  const cancelled = await m.placed(worker.token, body(1, '2026-12-02', 'lunch'));
  expect((await m.cancel(worker.token, cancelled.id)).status).toBe(200);
});
afterAll(() => t?.close());

async function download(path: string, token: string) {
  const res = await fetch(t.api.baseUrl + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      endField();
      rows.push(row);
      row = [];
    } else field += c;
  }
  if (field || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

const fen = (yuan: unknown) => Math.round(Number(yuan) * 100);

test('the XLSX has the JSON settlement’s lines and totals, in yuan with two decimals', async () => {
  const json = await t.api.get(`/api/reports/settlement?${q()}`, { token: admin });
  expect(json.status).toBe(200);
  expect(json.body.orders).toBe(19); // 18 + the delivery, not the cancelled one
  expect(json.body.rules.length).toBe(3);
  const file = await download(`/api/reports/settlement.xlsx?${q()}`, admin);
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe(
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  );
  const disposition = file.headers.get('content-disposition')!;
  expect(disposition).toMatch(/^attachment; filename="settlement-2026-12\.xlsx"; filename\*=UTF-8''/);
  expect(decodeURIComponent(disposition.split("UTF-8''")[1])).toBe('关上长者食堂2026年12月结算.xlsx');

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file.bytes as never);
  expect(wb.worksheets.map((w) => w.name)).toEqual(['结算汇总', '补贴明细']);
  const sum = wb.getWorksheet('结算汇总')!;
  const rows: unknown[][] = [];
  sum.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
  const rowOf = (label: string, from = 0) => rows.slice(from).find((r) => r[0] === label)!;
  expect(String(rows[0][0])).toContain('关上长者食堂 2026年12月');
  // Per rule: name, funder, count, amount — as in the JSON.
  for (const r of json.body.rules) {
    const row = rowOf(r.name);
    expect(row.slice(1, 3)).toEqual([r.fundedBy === 'government' ? '政府补贴' : '食堂优惠', r.count]);
    expect(fen(row[3])).toBe(r.amount);
  }
  for (const f of json.body.funders) {
    const row = rowOf(f.fundedBy === 'government' ? '政府补贴' : '食堂优惠');
    expect([row[2], fen(row[3])]).toEqual([f.count, f.amount]);
  }
  const subsidies = json.body.rules.reduce((s: number, r: { amount: number }) => s + r.amount, 0);
  expect(json.body.subsidies).toBe(subsidies);
  expect(fen(rowOf('合计')[3])).toBe(subsidies);
  expect(rowOf('结算订单数')[2]).toBe(json.body.orders);
  expect(fen(rowOf('菜品金额合计')[3])).toBe(json.body.subtotal);
  expect(fen(rowOf('配送费合计')[3])).toBe(json.body.deliveryFees);
  expect(fen(rowOf('长者应付合计')[3])).toBe(json.body.payable);
  // Money cells are shown with two decimals.
  sum.eachRow((r) => {
    const cell = r.getCell(4);
    if (typeof cell.value === 'number') expect(cell.numFmt).toBe('0.00');
  });

  // 补贴明细: one row per subsidy, each with its order's date, elder and rule; the amounts add up.
  const detail = wb.getWorksheet('补贴明细')!;
  const lines: unknown[][] = [];
  detail.eachRow((r) => lines.push((r.values as unknown[]).slice(1)));
  expect(lines[0]).toEqual([
    '日期',
    '餐次',
    '食堂',
    '长者',
    '身份证号（脱敏）',
    '补贴规则',
    '补贴金额（元）',
    '出资方',
    '订单号',
  ]);
  const body = lines.slice(1, -1);
  expect(lines[lines.length - 1][0]).toBe('合计');
  expect(fen(lines[lines.length - 1][6])).toBe(subsidies);
  expect(body.length).toBe(json.body.rules.reduce((s: number, r: { count: number }) => s + r.count, 0));
  expect(body.reduce((s, l) => s + fen(l[6]), 0)).toBe(subsidies);
  expect(detail.getRow(2).getCell(7).numFmt).toBe('0.00');
  for (const r of json.body.rules)
    expect(body.filter((l) => l[5] === r.name).reduce((s, l) => s + fen(l[6]), 0)).toBe(r.amount);
  // The 80+ elder's lunch on 12-01: their name, the ID number masked, never whole.
  const first = body.find((l) => l[0] === '2026-12-01' && l[1] === '午餐' && l[3] === '王八五')!;
  const idNo = elders[0].sent.idCardNo as string;
  expect(first.slice(2, 6)).toEqual([
    '关上长者食堂',
    '王八五',
    `${idNo.slice(0, 4)}**********${idNo.slice(-4)}`,
    '80岁以上助餐优惠',
  ]);
  expect(fen(first[6])).toBe(333);
  const text = JSON.stringify(lines);
  for (const e of elders) expect(text).not.toContain(e.sent.idCardNo);
});

test('the CSV: UTF-8 with a BOM, one line per subsidy, sums equal to the JSON settlement', async () => {
  const json = await t.api.get(`/api/reports/settlement?${q()}`, { token: staff.token });
  const file = await download(`/api/reports/settlement.csv?${q()}`, staff.token);
  expect(file.status).toBe(200);
  expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect(decodeURIComponent(file.headers.get('content-disposition')!.split("UTF-8''")[1])).toBe(
    '关上长者食堂2026年12月补贴明细.csv',
  );
  expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const [header, ...rows] = parseCsv(file.bytes.subarray(3).toString('utf8'));
  expect(header).toEqual([
    '日期',
    '餐次',
    '食堂',
    '长者',
    '身份证号（脱敏）',
    '补贴规则',
    '补贴金额（元）',
    '出资方',
    '订单号',
  ]);
  for (const r of rows) expect(r[6]).toMatch(/^\d+\.\d{2}$/);
  expect(rows.reduce((s, r) => s + fen(r[6]), 0)).toBe(json.body.subsidies);
  for (const f of json.body.funders) {
    const mine = rows.filter((r) => r[7] === (f.fundedBy === 'government' ? '政府补贴' : '食堂优惠'));
    expect([mine.length, mine.reduce((s, r) => s + fen(r[6]), 0)]).toEqual([f.count, f.amount]);
  }
  // No cancelled order's subsidy: every order id listed is one the JSON counted (19 orders).
  expect(new Set(rows.map((r) => r[8])).size).toBeLessThanOrEqual(json.body.orders);
});

test('only admin and that canteen’s staff download; bad months are a 400 naming the field', async () => {
  for (const ext of ['xlsx', 'csv']) {
    const foreign = await t.api.get(`/api/reports/settlement.${ext}?${q()}`, { token: otherStaff.token });
    // Another canteen's staff are not told the canteen is there (as for the JSON settlement).
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    expect(foreign.headers.get('content-disposition')).toBeNull();
    expect((await t.api.get(`/api/reports/settlement.${ext}?${q()}`, { token: worker.token })).status).toBe(
      403,
    );
    expect((await t.api.get(`/api/reports/settlement.${ext}?${q()}`)).status).toBe(401);
    const bad = await t.api.get(`/api/reports/settlement.${ext}?canteenId=${canteen.id}&month=2026-13`, {
      token: admin,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty(['query.month']);
    const none = await t.api.get(
      `/api/reports/settlement.${ext}?canteenId=aaaaaaaaaaaaaaaaaaaaaaaa&month=${month}`,
      {
        token: admin,
      },
    );
    expect(none.status).toBe(404);
  }
});

test('an empty month is a file with the headers and zero totals', async () => {
  const file = await download(`/api/reports/settlement.xlsx?canteenId=${canteen.id}&month=2026-10`, admin);
  expect(file.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file.bytes as never);
  expect(wb.getWorksheet('补贴明细')!.rowCount).toBe(2); // header + 合计 0
  const csv = await download(`/api/reports/settlement.csv?canteenId=${canteen.id}&month=2026-10`, admin);
  expect(parseCsv(csv.bytes.subarray(3).toString('utf8'))).toHaveLength(1);
});

test('the OpenAPI document declares the downloads as files', async () => {
  const doc = (await t.api.get('/api/openapi.json')).body;
  const op = doc.paths['/api/reports/settlement.xlsx'].get;
  expect(Object.keys(op.responses['200'].content)).toEqual([
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ]);
  expect(op.responses['403'].content['application/json']).toBeDefined();
  expect(Object.keys(doc.paths['/api/reports/settlement.csv'].get.responses['200'].content)).toEqual([
    'text/csv; charset=utf-8',
  ]);
});
