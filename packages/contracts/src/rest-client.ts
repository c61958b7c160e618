import createClient, { type Client, type ClientOptions, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/openapi.ts';

/** A client of every route of openapi.yaml: paths, parameters, bodies and answers are typed from the spec. */
export type RestClient = Client<paths>;
export type { ClientOptions as RestClientOptions, Middleware as RestMiddleware };

/**
 * A typed REST client (openapi-fetch). The spec's paths start with `/api`, so `baseUrl` is the origin the
 * gateway's :3000 is reached at, without `/api`; a route or body that leaves the spec is a compile error.
 */
export function createRestClient(options: ClientOptions = {}): RestClient {
  return createClient<paths>(options);
}

/** The `baseUrl` for `createRestClient` from an API URL that ends in `/api` (as the SDK and harness configure it). */
export function restBaseUrl(apiUrl: string): string {
  return apiUrl.replace(/\/+$/, '').replace(/\/api$/, '');
}
