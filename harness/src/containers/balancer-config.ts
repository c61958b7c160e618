/** Where the balancer image reads its HAProxy configuration. */
export const BALANCER_CONFIG = '/usr/local/etc/haproxy/haproxy.cfg';

/**
 * The balancer's HAProxy configuration: the socket part of deploy/haproxy/haproxy.cfg (sticky by cookie,
 * health-checked) over `gateways` gateways, optionally denying every websocket upgrade with 403, as some
 * corporate proxies do; Engine.IO then stays on (or falls back to) long polling.
 */
export function balancerConfig(gateways: number, refuseWebsocket: boolean): string {
  return [
    'global',
    '  log stdout format raw local0 info',
    '  hard-stop-after 2s',
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    'frontend socket',
    '  bind :3001',
    ...(refuseWebsocket ? ['  http-request deny deny_status 403 if { hdr(upgrade) -i websocket }'] : []),
    '  default_backend gateways',
    'backend gateways',
    '  balance roundrobin',
    '  cookie chatrt_gateway insert indirect nocache httponly',
    '  option httpchk GET /health',
    ...Array.from(
      { length: gateways },
      (_, i) => `  server gateway-${i} gateway-${i}:3001 check inter 1s cookie gateway-${i}`,
    ),
    '',
  ].join('\n');
}
