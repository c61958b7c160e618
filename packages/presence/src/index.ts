/** Who is online in a room across gateways: shared by the gateways (which announce) and notify (which listens). */
export { PresenceTable } from './presence-table.ts';
