// WeChat's privacy guide (用户隐私保护指引). With `__usePrivacyCheck__`, WeChat holds a privacy API call
// (chooseAddress, chooseImage) until the app asks the shopper: it calls our listener with a `resolve`, and the
// call goes on once the shopper taps a button with open-type="agreePrivacyAuthorization" and we resolve 'agree'.
// Only mp-weixin registers the listener; the H5 build never asks, so its popup never shows.
import { computed, shallowRef } from 'vue';

export type PrivacyAnswer = { event: 'agree'; buttonId: string } | { event: 'disagree' };
type PrivacyResolve = (answer: PrivacyAnswer) => void;

interface PrivacyWx {
  onNeedPrivacyAuthorization?(listener: (resolve: PrivacyResolve, eventInfo: { referrer?: string }) => void): void;
  openPrivacyContract?(opts: { fail?(err: { errMsg?: string }): void }): void;
}

function wechat(): PrivacyWx | undefined {
  return (globalThis as { wx?: PrivacyWx }).wx;
}

/** WeChat's resolves of the calls waiting for the shopper; several privacy calls may wait on one answer. */
const waiting = shallowRef<PrivacyResolve[]>([]);

/** True while WeChat waits for the shopper's answer: the page's PrivacyPopup shows. */
export const privacyAsked = computed(() => waiting.value.length > 0);

let listening = false;

/** Registers WeChat's listener once (App.vue at launch, mp-weixin only). */
export function listenForPrivacyAuthorization(): void {
  const wx = wechat();
  if (listening || !wx?.onNeedPrivacyAuthorization) return;
  listening = true;
  wx.onNeedPrivacyAuthorization((resolve) => {
    waiting.value = [...waiting.value, resolve];
  });
}

/** The shopper's answer, passed to every waiting call; 'disagree' makes those calls fail, as WeChat says. */
export function answerPrivacy(answer: PrivacyAnswer): void {
  const resolves = waiting.value;
  waiting.value = [];
  for (const resolve of resolves) resolve(answer);
}

/** WeChat's page with the privacy guide filled in on the mini program's admin site. */
export function openPrivacyContract(): void {
  wechat()?.openPrivacyContract?.({ fail: (err) => console.warn('openPrivacyContract failed', err.errMsg) });
}
