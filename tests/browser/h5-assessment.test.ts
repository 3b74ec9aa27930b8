// 能力评估 in the built H5 app against the real API: the community worker finds an elder marked
// 需复评 in the list, opens the assessment, scores the 26 items with big buttons while the
// running total and level follow, cannot save with items left, saves, and the list then shows
// the care level from the assessment and no 需复评. axe, announced buttons and ≥18px text on each.
import { ASSESSMENT_ITEMS } from '@yiyangtong/shared';
import {
  buttonNamed,
  buttonStarting,
  checkPage,
  expectNoPopups,
  expectPressed,
  openPhonePage,
  signIn,
  textOn,
  visible,
} from '../harness/browser';
import { Fixtures, type TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let f: Fixtures;
let worker: TestUser;
let elder: { id: string };

beforeAll(async () => {
  f = new Fixtures(suite.server);
  const community = await f.community({ name: '关上社区' });
  worker = await f.user('worker', { communityId: community.id, name: '李敏' });
  elder = await f.elder(worker.token, community.id, { name: '陈玉珍' });
});

test('the worker assesses an elder marked 需复评: running total and level, then the care level in the list', async () => {
  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, worker);
    await buttonNamed(page, '长者名册').click();
    const card = visible(page.locator('.elders__card').filter({ hasText: '陈玉珍' }));
    await card.getByText('需复评').first().waitFor();
    await card.getByText('未评估', { exact: false }).first().waitFor();
    await checkPage(page, '长者名册（需复评）');
    await buttonNamed(page, '能力评估 陈玉珍 需复评').click();
    await textOn(page, '能力评估 · 陈玉珍').waitFor();
    await textOn(page, '已评 0 / 26 项 · 总分 0 / 90').waitFor();
    await checkPage(page, '能力评估');

    // Saving with items left says which are missing, in words.
    await buttonNamed(page, '保存评估').click();
    await visible(page.getByText('还有 26 项未评', { exact: false })).waitFor();

    // Everything at its best but 上下楼梯 1 of 3 and 平地行走 2 of 4: 90 − 2 − 2 = 86.
    for (const item of ASSESSMENT_ITEMS) {
      const score =
        item.name === '上下楼梯'
          ? 1
          : item.name === '平地行走'
            ? 2
            : Math.max(...item.options.map((x) => x.score));
      await buttonStarting(page, `${item.name} ${score}分`).click();
    }
    await expectPressed(buttonStarting(page, '上下楼梯 1分'), true);
    await expectPressed(buttonStarting(page, '上下楼梯 3分'), false);
    await textOn(page, '已评 26 / 26 项 · 总分 86 / 90').waitFor();
    await textOn(page, '等级：能力轻度受损（轻度失能）').waitFor();
    await textOn(page, '基础运动能力（11 / 15 分）').waitFor();
    // Changing one score updates the total at once.
    await buttonStarting(page, '进食 0分').click();
    await textOn(page, '已评 26 / 26 项 · 总分 82 / 90').waitFor();
    await checkPage(page, '能力评估（填完）');

    await buttonNamed(page, '保存评估').click();
    await visible(page.getByText('总分 82 分，能力轻度受损（轻度失能）', { exact: false })).waitFor();
    await expectNoPopups(o);

    // The server agrees, and the elder's care level came from the assessment.
    const read = await suite.server.api.get(`/api/elders/${elder.id}`, { token: worker.token });
    expect(read.body).toMatchObject({ careLevel: 'mild', reassessmentDue: false });
    const list = await suite.server.api.get(`/api/elders/${elder.id}/assessments`, { token: worker.token });
    expect(list.body.items[0]).toMatchObject({ total: 82, level: 'mild' });

    await buttonNamed(page, '回到长者名册').click();
    const after = visible(page.locator('.elders__card').filter({ hasText: '陈玉珍' }));
    await after.getByText('轻度失能', { exact: false }).first().waitFor();
    expect(await after.getByText('需复评').count()).toBe(0);
    await buttonNamed(page, '能力评估 陈玉珍').waitFor();
    await checkPage(page, '长者名册（已评估）');
  } finally {
    await o.close();
  }
});
