import { User } from '../accounts/model';
import { createUser } from '../accounts/service';
import type { AppConfig } from '../config';

/** On an empty database: the first admin, from BOOTSTRAP_ADMIN_PHONE / BOOTSTRAP_ADMIN_PASSWORD. */
export async function bootstrapAdmin(config: AppConfig): Promise<boolean> {
  if (await User.exists({})) return false;
  await createUser({ role: 'admin', ...config.bootstrapAdmin });
  return true;
}
