// Chinese first, English switchable: every text is written at its place in both languages,
// `t('待受理', 'Received')`, and the choice is kept in localStorage.
import { createContext, useContext } from 'react';

export type Lang = 'zh' | 'en';

export const LangContext = createContext<{ lang: Lang; setLang: (lang: Lang) => void }>({ lang: 'zh', setLang: () => undefined });

export function initialLang(): Lang {
  return localStorage.getItem('tongban.lang') === 'en' ? 'en' : 'zh';
}

export function rememberLang(lang: Lang): void {
  localStorage.setItem('tongban.lang', lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

/** The text in the chosen language. */
export function useT(): (zh: string, en: string) => string {
  const { lang } = useContext(LangContext);
  return (zh, en) => (lang === 'zh' ? zh : en);
}
