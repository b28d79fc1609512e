// Registers the service worker through workbox-window. A new version waits until the worker taps "Reload": code is
// never swapped under a scan in progress.
import { Workbox } from 'workbox-window';

export interface UpdateHandle {
  /** Tells the waiting worker to take over, then reloads once it controls the page. */
  applyUpdate(): void;
  /** Asks the server whether a new version exists. */
  check(): Promise<void>;
}

export function registerServiceWorker(onUpdateReady: () => void, dev: boolean): UpdateHandle | null {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return null;
  // The development build serves the worker as an ES module; the production build bundles it into one classic script.
  const wb = new Workbox('/service-worker.js', { type: dev ? 'module' : 'classic', scope: '/' });
  // Reload only when the worker asked for the new version: the first install also takes control, silently.
  let asked = false;
  wb.addEventListener('waiting', () => onUpdateReady());
  wb.addEventListener('controlling', () => {
    if (asked) window.location.reload();
  });
  void wb.register().catch((e) => console.warn('Service worker registration failed:', e));
  // Tablets stay open for whole shifts: look for a new version when the page comes back and every hour.
  const check = async () => {
    try {
      await wb.update();
    } catch {
      // offline or server down: the next check tries again
    }
  };
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && void check());
  setInterval(check, 60 * 60 * 1000);
  return {
    applyUpdate: () => {
      asked = true;
      wb.messageSkipWaiting();
    },
    check
  };
}
