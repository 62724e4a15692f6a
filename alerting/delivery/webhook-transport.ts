import { type LookupAddress, type LookupAllOptions, type LookupOptions, lookup } from 'node:dns';
import { Agent, fetch } from 'undici';
import { isLinkLocal } from '../../pipeline/safe-targets.js';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
type ResolveAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A dns.lookup that refuses a host name resolving to a link-local (cloud metadata) address. Checking the URL
 * when it is saved is not enough: a name can be pointed at 169.254.169.254 later (DNS rebinding). Used as the
 * connection's own lookup, the address checked is the one connected to.
 */
export function lookupRefusingLinkLocal(resolve: ResolveAll = lookup) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const bad = addresses.find((a) => isLinkLocal(a.address));
      const first = addresses[0];
      if (bad || !first) {
        const why = bad ? `resolves to the link-local address ${bad.address}: refused` : 'has no address';
        return callback(Object.assign(new Error(`webhook host ${hostname} ${why}`), { code: 'ELINKLOCAL' }), []);
      }
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

/** Connections for webhooks: never to a link-local address, whatever the name resolves to. */
export const webhookDispatcher = (resolve?: ResolveAll) =>
  new Agent({ connect: { lookup: lookupRefusingLinkLocal(resolve) } });

const dispatcher = webhookDispatcher();

export function postWebhook(
  url: string,
  init: Omit<NonNullable<Parameters<typeof fetch>[1]>, 'dispatcher' | 'method'>,
  via = dispatcher,
) {
  return fetch(url, { ...init, method: 'POST', dispatcher: via });
}

/** fetch says only "fetch failed"; the reason (refused, timed out, link-local) is in its cause. */
export function transportErrorText(err: unknown): string {
  const e = err as Error & { cause?: Error };
  return e.cause?.message ? `${e.message}: ${e.cause.message}` : e.message;
}
