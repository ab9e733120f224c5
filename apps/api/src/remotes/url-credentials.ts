import { RemoteEntity } from '@app/domain';
import type { SecretBox } from '@app/security';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';

/**
 * Remotes saved before user-info was refused may hold `user:password@` in `url` or `proxy_url`, in the
 * clear. At start the credentials are moved into the sealed write-only fields (unless those are already
 * set: then the URL's copy is dropped) and the URLs are stored without them. Idempotent.
 */
export async function sealUrlCredentials(dataSource: DataSource, box: SecretBox, logger: Logger): Promise<void> {
  const remotes = dataSource.getRepository(RemoteEntity);
  const found = await remotes
    .createQueryBuilder('r')
    .where(`r.url ~ '^[^/]*//[^/]*@' OR r.proxy_url ~ '^[^/]*//[^/]*@'`)
    .getMany();
  for (const remote of found) {
    const url = strip(remote.url);
    const proxy = remote.proxyUrl === null ? null : strip(remote.proxyUrl);
    const patch: Partial<RemoteEntity> = { url: url.url, proxyUrl: proxy?.url ?? null };
    if (remote.usernameEnc === null && url.username) patch.usernameEnc = box.seal(url.username);
    if (remote.passwordEnc === null && url.password) patch.passwordEnc = box.seal(url.password);
    if (remote.proxyUsernameEnc === null && proxy?.username) patch.proxyUsernameEnc = box.seal(proxy.username);
    if (remote.proxyPasswordEnc === null && proxy?.password) patch.proxyPasswordEnc = box.seal(proxy.password);
    await remotes.update({ id: remote.id }, patch);
    logger.warn({ remote: remote.name }, 'moved credentials out of the remote URL into its encrypted fields');
  }
}

function strip(raw: string): { url: string; username: string; password: string } {
  try {
    const parsed = new URL(raw);
    const username = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    parsed.username = '';
    parsed.password = '';
    // The API stores URLs without trailing slashes; URL adds one to a bare origin.
    return { url: parsed.href.replace(/\/+$/, ''), username, password };
  } catch {
    return { url: raw.replace(/\/\/[^/@]*@/, '//'), username: '', password: '' };
  }
}
