import { isTrustedUrl } from './app-origin';

/**
 * Web permissions the renderer may have: writing text to the clipboard (the Copy buttons of the
 * genotype views call navigator.clipboard.writeText) and nothing else. No camera, microphone,
 * geolocation, notifications (main shows them), MIDI, HID, serial, USB, fullscreen requests from the
 * page, clipboard reading, ... A request from any origin but the app's is refused whatever it asks.
 */
export const GRANTED_PERMISSIONS: readonly string[] = ['clipboard-sanitized-write'];

/** Used for both `setPermissionRequestHandler` and `setPermissionCheckHandler`. */
export function decidePermission(permission: string, requestingUrl: string | null | undefined, appOrigin: string): boolean {
  return GRANTED_PERMISSIONS.includes(permission) && isTrustedUrl(requestingUrl, appOrigin);
}

/** `setDevicePermissionHandler` and `select-*-device` events: no device access at all. */
export function decideDevicePermission(): false {
  return false;
}
