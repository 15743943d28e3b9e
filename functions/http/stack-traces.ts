// Stack traces of a Lambda bundle in terms of our TypeScript (functions/…, shared/…: file, line, column),
// read from the bundle's source map only when a stack is first asked for. Node's own
// `--enable-source-maps` parses the whole map (about 1 MiB of JSON, every mapping decoded) while the
// module loads: 10-15 ms of every cold start, for traces most invocations never print. Here loading
// costs one file check; the first error whose stack is read (a failure the logger records) pays the
// parse once per process, and every later one is mapped from it. A frame the map does not cover
// (Node's own, a line outside the bundle) is printed as V8 prints it. Where no map sits beside the
// module — the embedded platform and the tests run the TypeScript itself — nothing is changed.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import type { SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Maps the frames of `moduleUrl` (the bundle: `import.meta.url` of a module bundled into it) through
 * `<its file>.map` in every stack trace from now on; does nothing when there is no such map. Returns
 * whether it did.
 */
export function sourceMappedStacks(moduleUrl: string): boolean {
  if (!moduleUrl.startsWith('file:')) return false;
  const file = fileURLToPath(moduleUrl);
  const mapFile = `${file}.map`;
  if (!existsSync(mapFile)) return false;
  let map: SourceMap | null | undefined;
  const sourceMap = (): SourceMap | null => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload);
      } catch {
        // An unreadable map leaves the traces as V8 writes them.
        map = null;
      }
    }
    return map;
  };
  const entryAt = (frame: NodeJS.CallSite | undefined) => {
    const line = frame?.getLineNumber();
    const column = frame?.getColumnNumber();
    const name = frame?.getFileName();
    if ((name !== moduleUrl && name !== file) || line == null || column == null) return undefined;
    // CallSite positions count from 1, the map's from 0.
    const entry = sourceMap()?.findEntry(line - 1, column - 1);
    return entry && 'originalSource' in entry ? entry : undefined;
  };
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    const lines = frames.map((frame, i) => {
      const entry = entryAt(frame);
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a CallSite's own toString is the frame as V8 prints it (@types/node does not declare it).
      if (!entry) return `    at ${frame.toString()}`;
      // A frame's function by its name in our code: the name its caller called (the minified one otherwise), as Node's own mapping does.
      const called: unknown = Reflect.get(entryAt(frames[i + 1]) ?? {}, 'name');
      const fn = (typeof called === 'string' && called) || frame.getFunctionName() || '<anonymous>';
      return `    at ${fn} (${entry.originalSource}:${entry.originalLine + 1}:${entry.originalColumn + 1})`;
    });
    return [errorHead(error), ...lines].join('\n');
  };
  return true;
}

/** The first line of a stack, as V8 writes it: `Name: message`, or the name alone. */
function errorHead(error: Error): string {
  try {
    return String(error);
  } catch {
    return 'Error';
  }
}
