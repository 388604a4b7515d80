import type { FactoryProvider } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway-config.js';

/**
 * The part of the configuration one module's classes read. The module provides it with
 * {@link provideSlice}; its classes inject `slice.token` and receive only those settings,
 * so a constructor says what a class depends on and a unit test builds just that.
 */
export interface ConfigSlice<K extends keyof GatewayConfig> {
  readonly token: symbol;
  readonly keys: readonly K[];
}

/** The settings a {@link ConfigSlice} holds. */
export type SliceOf<S> = S extends ConfigSlice<infer K> ? Pick<GatewayConfig, K> : never;

/** Declares a slice named `name` (the token's description) of the settings `keys`. */
export function configSlice<K extends keyof GatewayConfig>(name: string, keys: readonly K[]): ConfigSlice<K> {
  return { token: Symbol(`${name} settings`), keys };
}

/** The Nest provider of `slice`: a copy of just its keys, taken from the whole configuration. */
export function provideSlice<K extends keyof GatewayConfig>(slice: ConfigSlice<K>): FactoryProvider<Pick<GatewayConfig, K>> {
  return {
    provide: slice.token,
    inject: [GATEWAY_CONFIG],
    useFactory: (config: GatewayConfig) => {
      const picked = {} as Pick<GatewayConfig, K>;
      for (const key of slice.keys) picked[key] = config[key];
      return picked;
    },
  };
}
