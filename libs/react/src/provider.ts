import { createClient, type ClientOptions, type SwitchboardClient, type TimerHandle } from '@switchboard/client';
import { ChannelRegistry, ConnectionObserver } from '@switchboard/client/observers';
import { createContext, createElement, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

type AnyClient = SwitchboardClient<any, any>;

/** What the hooks share: the client and the SDK's observers of it. */
export interface SwitchboardContextValue {
  client: AnyClient;
  connection: ConnectionObserver;
  channels: ChannelRegistry;
}

const SwitchboardContext = createContext<SwitchboardContextValue | null>(null);

/**
 * One set of observers per client, for the client's whole life (a snapshot read after a quiet
 * period must be current), so two providers given the same client share its channels.
 */
const stores = new WeakMap<AnyClient, SwitchboardContextValue>();

function contextFor(client: AnyClient): SwitchboardContextValue {
  let value = stores.get(client);
  if (!value) {
    value = { client, connection: new ConnectionObserver(client), channels: new ChannelRegistry(client) };
    stores.set(client, value);
  }
  return value;
}

export type SwitchboardProviderProps =
  | { client: AnyClient; children?: ReactNode }
  | ({ url: string; getToken: ClientOptions['getToken']; options?: Omit<ClientOptions, 'url' | 'getToken' | 'autoConnect'>; children?: ReactNode } & {
      client?: undefined;
    });

/** Closes that were asked for by an unmount (timers of the client's own clock), cancelled if the same provider mounts again. */
const pendingCloses = new WeakMap<AnyClient, TimerHandle>();

/**
 * Gives its children one Switchboard connection. With `url` and `getToken` it creates the
 * client once (kept across re-renders), connects in an effect and closes on unmount; with
 * `client` it uses yours and leaves its lifecycle to you. Nothing touches `window` during
 * render, so it renders on the server, where it never connects.
 *
 * StrictMode mounts, unmounts and mounts again: the close of that unmount is deferred and
 * cancelled by the remount, so there is one socket and no close/reopen flap.
 */
export function SwitchboardProvider(props: SwitchboardProviderProps): ReactNode {
  const latestGetToken = props.client ? undefined : props.getToken;
  const getToken = useRef(latestGetToken);
  useEffect(() => {
    getToken.current = latestGetToken;
  }, [latestGetToken]);
  const [owned] = useState<AnyClient | undefined>(() =>
    props.client
      ? undefined
      : createClient({ ...props.options, url: props.url, getToken: () => getToken.current!(), autoConnect: false }),
  );
  const client = props.client ?? owned!;

  useEffect(() => {
    if (!owned) return;
    if (pendingCloses.has(owned)) owned.clock.clearTimeout(pendingCloses.get(owned));
    pendingCloses.delete(owned);
    owned.connect();
    return () => {
      pendingCloses.set(
        owned,
        owned.clock.setTimeout(() => {
          pendingCloses.delete(owned);
          owned.close();
        }, 0),
      );
    };
  }, [owned]);

  return createElement(SwitchboardContext.Provider, { value: contextFor(client) }, props.children);
}

/** @internal The provider's value. @throws {Error} outside a `<SwitchboardProvider>`. */
export function useSwitchboardContext(): SwitchboardContextValue {
  const value = useContext(SwitchboardContext);
  if (!value) throw new Error('Switchboard hooks must be used inside a <SwitchboardProvider>');
  return value;
}
