import { configSlice, type SliceOf } from '../config/index.js';

/** What a handshake is checked against (protocol §3). */
export const ADMISSION_SETTINGS = configSlice('admission', ['handshakeRatePerIp', 'authQueryToken', 'limits', 'connectionPolicy', 'maxConnections', 'engine', 'trustProxy', 'trustProxyHops']);
export type AdmissionSettings = SliceOf<typeof ADMISSION_SETTINGS>;
