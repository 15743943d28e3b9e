// Minimal types for the two stand-ins that ship none: only what the embedded runtime uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';
  interface DynaliteOptions {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}

declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  interface S3rverOptions {
    directory: string;
    silent?: boolean;
    /** Buckets by host name as well as by path (default true). */
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }
  /** A Koa application: run in-process behind the embedded S3 front, never listening itself. */
  export default class S3rver {
    constructor(options: S3rverOptions);
    /** Creates the `configureBuckets` buckets that are missing. */
    configureBuckets(): Promise<void>;
    /** The request handler (Koa's). */
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    logger: { close(): void };
    /**
     * Its filesystem store (the front asks it whether a key exists, for a conditional write, an
     * object's metadata, for its storage class, and a bucket's CORS configuration, to put S3's CORS
     * headers on its own refusals), and where it keeps an object's files (`<key>._S3rver_<resource>`:
     * the front keeps the object's checksum beside them).
     */
    store: {
      existsObject(bucket: string, key: string): Promise<boolean>;
      /** The object's stored headers (content-type, x-amz-storage-class, x-amz-meta-…); rejects when there is no object. */
      getMetadata(bucket: string, key: string): Promise<Record<string, string | undefined>>;
      getResourcePath(bucket: string, key: string, resource: string): string;
      getSubresource(bucket: string, key: undefined, type: 'cors'): Promise<{ matchRule(origin: string, method: string): CorsRule | undefined } | null>;
    };
  }
  /** A rule of a bucket's CORS configuration as s3rver reads it. */
  export interface CorsRule {
    hasWildcardOrigin: boolean;
    allowedMethods: string[];
    exposeHeaders: string[];
  }
}

declare module 's3rver/lib/stores/filesystem.js' {
  import type { Readable } from 'node:stream';
  /** s3rver's object store on disk: the one method local-s3.ts replaces (writeObjectsBeforeAnswering) and what it calls. */
  export default class FilesystemStore {
    getResourcePath(bucket: string, key: string, resource: string): string;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
    putObject(object: { bucket: string; key: string; content: Buffer | Readable; metadata: Record<string, string> }): Promise<{ size: number; md5: string }>;
  }
}
