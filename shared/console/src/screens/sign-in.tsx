// Sign-in. Embedded: pick a principal of the platform's credentials.json and, for a named principal
// (department, reviewer, auditor), one of its officers: the requests are signed with that officer's
// key pair, which the embedded gateway presents as a session of the principal's role named after the
// officer, as the government's sign-in would on AWS. A named principal's own key pair names no
// officer and is not offered (the platform refuses it: OFFICER_REQUIRED).
// OpenID Connect (on AWS, or embedded with TONGBAN_SIGN_IN=oidc): the government's identity provider,
// then STS, for temporary credentials of the principal's role in the officer's session (../oidc.ts);
// the platform then says who that is (GET /v1/me).
import { useEffect, useState } from 'react';
import type { OidcConsoleSignIn } from '../../../contracts/console-settings.ts';
import { apiClient, must } from '../api/client.ts';
import type { ConsoleConfig } from '../config.ts';
import { useT } from '../i18n.tsx';
import { beginOidcSignIn, completeOidcSignIn } from '../oidc.ts';
import type { Role, Session } from '../session.ts';
import { ErrorNote, Show, useAction, useLoad } from '../ui.tsx';

interface LocalPrincipal {
  accessKeyId: string;
  secretAccessKey: string;
  role: Role;
  departmentId?: string;
  channelId?: string;
  officers?: Record<string, { accessKeyId: string; secretAccessKey: string }>;
}

interface LocalCredentials {
  region: string;
  principals: Record<string, LocalPrincipal>;
}

export const ROLE_ZH: Record<Role, [string, string]> = {
  department: ['部门', 'Department'],
  channel: ['渠道', 'Channel'],
  platform: ['平台审核', 'Platform reviewer'],
  auditor: ['审计', 'Auditor'],
};

export function SignIn({ config, onSignedIn, expired }: { config: ConsoleConfig; onSignedIn: (session: Session) => void; expired?: boolean }) {
  const t = useT();
  const note = expired ? <p role="status">{t('登录已到期，请重新登录。', 'Your session has ended; sign in again.')}</p> : null;
  if (config.signIn.kind === 'local') {
    return (
      <>
        {note}
        <LocalSignIn url={config.signIn.credentialsUrl} onSignedIn={onSignedIn} />
      </>
    );
  }
  if (config.signIn.kind === 'oidc') {
    return (
      <>
        {note}
        <OidcSignIn signIn={config.signIn} />
      </>
    );
  }
  return (
    <main className="panel">
      <h1>{t('登录', 'Sign in')}</h1>
      <ErrorNote error={new Error(t('本站点的 SAML 登录尚未开通，请联系平台管理员。', 'Sign-in through SAML is not available on this site yet.'))} />
    </main>
  );
}

function OidcSignIn({ signIn }: { signIn: OidcConsoleSignIn }) {
  const t = useT();
  return (
    <main className="panel sign-in">
      <h1>{t('登录工作台', 'Sign in to the workbench')}</h1>
      <p className="muted">{t('经统一身份认证登录，以您的经办人身份办理。', "Sign in through the government's identity provider, as yourself.")}</p>
      <SignInAgain signIn={signIn} first />
    </main>
  );
}

/** The button that sends the person to the identity provider (again, after a sign-in that failed). */
function SignInAgain({ signIn, first }: { signIn: OidcConsoleSignIn; first?: boolean }) {
  const t = useT();
  const { busy, error, run } = useAction();
  return (
    <>
      <button type="button" disabled={busy} onClick={() => void run(() => beginOidcSignIn(signIn))}>
        {first ? t('统一身份认证登录', 'Sign in with the identity provider') : t('重新登录', 'Sign in again')}
      </button>
      {error !== undefined ? <ErrorNote error={error} /> : null}
    </>
  );
}

/**
 * The return from the identity provider: the code exchanged, the role's credentials obtained, and the
 * platform asked who they are, before anything else is shown.
 */
export function OidcReturn({ config, params, onSignedIn }: { config: ConsoleConfig; params: URLSearchParams; onSignedIn: (session: Session) => void }) {
  const t = useT();
  const [loaded] = useLoad(async () => {
    if (config.signIn.kind !== 'oidc') throw new Error('not an OpenID Connect sign-in');
    const credentials = await completeOidcSignIn(config.signIn, params);
    const signed = { ...credentials, region: config.region };
    // The role and department are the platform's to say: the credentials name a role's session only.
    const me = await must(apiClient(config.apiEndpoint, signed).GET('/v1/me'));
    const session: Session = {
      ...signed,
      principal: me.principal,
      role: me.role,
      ...(me.department ? { departmentId: me.department.id } : {}),
      ...(me.channel ? { channelId: me.channel.id } : {}),
      // The person signed in: the officer the platform records, or a hall window's clerk (whose channel's calls name none).
      officer: me.officer ?? credentials.officer,
    };
    return session;
  }, [params]);
  useEffect(() => {
    if (loaded.state === 'done') onSignedIn(loaded.value);
  }, [loaded, onSignedIn]);
  return (
    <main className="panel sign-in">
      <h1>{t('正在登录', 'Signing in')}</h1>
      {loaded.state === 'failed' ? (
        <>
          <ErrorNote error={loaded.error} />
          {config.signIn.kind === 'oidc' ? <SignInAgain signIn={config.signIn} /> : null}
        </>
      ) : (
        <p role="status">{t('正在向统一身份认证和 AWS STS 取得凭证…', 'Getting credentials from the identity provider and AWS STS…')}</p>
      )}
    </main>
  );
}

function LocalSignIn({ url, onSignedIn }: { url: string; onSignedIn: (session: Session) => void }) {
  const t = useT();
  const [loaded] = useLoad(async () => {
    const res = await fetch(url, { cache: 'no-store' });
    if (!res.ok) throw new Error(`credentials: HTTP ${res.status}`);
    return (await res.json()) as LocalCredentials;
  }, [url]);
  const [choice, setChoice] = useState('');
  return (
    <main className="panel sign-in">
      <h1>{t('登录工作台', 'Sign in to the workbench')}</h1>
      <p className="muted">{t('本地平台：选择一个主体及其经办人。', 'Embedded platform: choose a principal and its officer.')}</p>
      <Show loaded={loaded}>
        {(creds) => {
          const options = Object.entries(creds.principals).flatMap(([name, p]): { key: string; name: string; officer: string | undefined; p: LocalPrincipal }[] =>
            p.officers ? Object.keys(p.officers).map((officer) => ({ key: `${name}/${officer}`, name, officer, p })) : [{ key: name, name, officer: undefined, p }],
          );
          const submit = () => {
            const o = options.find((x) => x.key === choice);
            if (!o) return;
            const keys = o.officer ? o.p.officers![o.officer]! : o.p;
            onSignedIn({
              principal: o.name,
              role: o.p.role,
              ...(o.p.departmentId ? { departmentId: o.p.departmentId } : {}),
              ...(o.p.channelId ? { channelId: o.p.channelId } : {}),
              ...(o.officer ? { officer: o.officer } : {}),
              accessKeyId: keys.accessKeyId,
              secretAccessKey: keys.secretAccessKey,
              region: creds.region,
            });
          };
          return (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                submit();
              }}
            >
              <label htmlFor="who">{t('身份', 'Identity')}</label>
              <select id="who" value={choice} onChange={(e) => setChoice(e.target.value)} required>
                <option value="">{t('请选择', 'Choose…')}</option>
                {options.map((o) => (
                  <option key={o.key} value={o.key}>
                    {o.officer ? `${o.officer} — ${o.name}` : o.name}（{t(...ROLE_ZH[o.p.role])}）
                  </option>
                ))}
              </select>
              <button type="submit" disabled={!choice}>
                {t('进入', 'Enter')}
              </button>
            </form>
          );
        }}
      </Show>
    </main>
  );
}
