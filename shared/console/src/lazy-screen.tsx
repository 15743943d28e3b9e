// A screen loaded when it is first shown (a chunk of its own): the roles that never open it never
// download it, and the console's first load stays the shell and the home screens. While the chunk
// comes the screen says so; a chunk that cannot be fetched (a new deployment replaced it, the network
// failed) is shown as a refusal is, with a reload to try again.
import type { ComponentType, ReactNode } from 'react';
import { Component, Suspense, lazy } from 'react';
import { useT } from './i18n.tsx';
import { ErrorNote } from './ui.tsx';

function Loading() {
  const t = useT();
  return <p className="muted">{t('加载中…', 'Loading…')}</p>;
}

class ChunkFailure extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    return this.state.error === undefined ? this.props.children : <ErrorNote error={this.state.error} />;
  }
}

/** The component `load` answers, fetched on its first render. */
export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): (props: P) => ReactNode {
  const Screen = lazy(async () => ({ default: await load() }));
  return function LazyScreen(props: P) {
    return (
      <ChunkFailure>
        <Suspense fallback={<Loading />}>
          <Screen {...props} />
        </Suspense>
      </ChunkFailure>
    );
  };
}
