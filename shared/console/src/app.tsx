// The console's shell: sign-in, the header (who is acting, the language, sign-out), the screens each
// role has, and the hash routes to them. The public statistics need no sign-in.
import type { ReactNode } from 'react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { apiClient } from './api/client.ts';
import type { ConsoleConfig } from './config.ts';
import type { Lang } from './i18n.tsx';
import { LangContext, initialLang, rememberLang, useT } from './i18n.tsx';
import type { Platform } from './platform.tsx';
import { PlatformContext } from './platform.tsx';
import { go, href, useRoute } from './router.ts';
import type { Role, Session } from './session.ts';
import { loadSession, saveSession, whoLabel } from './session.ts';
import { SCREENS } from './screens.tsx';
import { OidcReturn, ROLE_ZH, SignIn } from './screens/sign-in.tsx';
import { oidcReturn } from './oidc.ts';

export function App({ config }: { config: ConsoleConfig }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = (l: Lang) => {
    rememberLang(l);
    setLangState(l);
  };
  const [session, setSession] = useState<Session | undefined>(() => live(loadSession()));
  // This page load is the identity provider's answer to a sign-in (OpenID Connect), read once.
  const [returned] = useState(() => (config.signIn.kind === 'oidc' ? oidcReturn() : undefined));
  const [expired, setExpired] = useState(false);
  const route = useRoute();
  // Signed in (to the role's first screen), signed out (to the landing screen), or out because the session expired (to the sign-in, told so).
  const signIn = useCallback((s: Session | undefined, expiredNow = false) => {
    saveSession(s);
    setSession(s);
    setExpired(expiredNow);
    go(s ? (homeOf(s.role) ?? '') : expiredNow ? 'sign-in' : '');
  }, []);
  // Temporary credentials end the session when they expire.
  useEffect(() => {
    if (session?.expiresAt === undefined) return;
    const timer = setTimeout(() => signIn(undefined, true), session.expiresAt - Date.now());
    return () => clearTimeout(timer);
  }, [session, signIn]);
  const platform = useMemo<Platform | undefined>(() => (session ? { config, session, api: apiClient(config.apiEndpoint, session) } : undefined), [config, session]);
  const screenName = route.path[0] ?? (session ? homeOf(session.role) : undefined) ?? 'public';
  const screen = SCREENS.find((s) => s.path === screenName);

  let body: ReactNode;
  if (returned && !session) body = <OidcReturn config={config} params={returned} onSignedIn={signIn} />;
  else if (screen?.public) body = screen.render(route, undefined);
  else if (!platform) body = <SignIn config={config} onSignedIn={signIn} expired={expired} />;
  else if (!screen || !screen.roles.includes(platform.session.role)) body = <NotHere />;
  else body = screen.render(route, platform);

  return (
    <LangContext.Provider value={{ lang, setLang }}>
      <PlatformContext.Provider value={platform}>
        <Header session={session} onSignOut={() => signIn(undefined)} current={screenName} />
        <div className="page">{body}</div>
      </PlatformContext.Provider>
    </LangContext.Provider>
  );
}

/** A kept session, unless its temporary credentials have expired. */
function live(session: Session | undefined): Session | undefined {
  return session?.expiresAt !== undefined && session.expiresAt <= Date.now() ? undefined : session;
}

function homeOf(role: Role): string | undefined {
  return SCREENS.find((s) => s.home === role)?.path;
}

function Header({ session, onSignOut, current }: { session: Session | undefined; onSignOut: () => void; current: string }) {
  const t = useT();
  return (
    <header className="top">
      <a className="brand" href={href()}>
        {t('通办 · 工作台', 'Tongban · Workbench')}
      </a>
      <nav aria-label={t('功能', 'Screens')}>
        {SCREENS.filter((s) => !s.hidden && (s.public || (session && s.roles.includes(session.role)))).map((s) => (
          <a key={s.path} href={href(s.path)} aria-current={s.path === current ? 'page' : undefined}>
            {t(...s.title)}
          </a>
        ))}
      </nav>
      <LangSwitch />
      {session ? (
        <span className="who">
          <span>
            {whoLabel(session)} · {t(...ROLE_ZH[session.role])}
          </span>
          <button type="button" className="link" onClick={onSignOut}>
            {t('退出', 'Sign out')}
          </button>
        </span>
      ) : null}
    </header>
  );
}

function LangSwitch() {
  return (
    <LangContext.Consumer>
      {({ lang, setLang }) => (
        <button type="button" className="link" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')} lang={lang === 'zh' ? 'en' : 'zh-CN'}>
          {lang === 'zh' ? 'English' : '中文'}
        </button>
      )}
    </LangContext.Consumer>
  );
}

function NotHere() {
  const t = useT();
  return (
    <main className="panel">
      <h1>{t('没有这个页面', 'No such screen')}</h1>
      <p>{t('当前身份不能使用该功能，请从上方菜单选择。', 'This screen is not for the current identity; choose one above.')}</p>
    </main>
  );
}
