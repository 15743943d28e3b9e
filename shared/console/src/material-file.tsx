// A material's file chosen for upload (filing, supplement, 容缺 delivery): its name, the file input
// (the formats the platform takes), and its upload's progress once it is being sent.
import type { ReactNode } from 'react';
import { useState } from 'react';
import { useT } from './i18n.tsx';

export function MaterialFile({ name, tags, progress, onFile }: { name: string; tags?: ReactNode; progress: number | undefined; onFile: (file: File | undefined) => void }) {
  const t = useT();
  return (
    <div className="material">
      <label>
        {name}
        {tags}
        <input type="file" accept=".pdf,.ofd,.jpg,.jpeg,.png" onChange={(e) => onFile(e.target.files?.[0])} />
      </label>
      {progress !== undefined ? (
        <progress max={1} value={progress} aria-label={`${name} ${t('上传进度', 'upload progress')}`}>
          {Math.round(progress * 100)}%
        </progress>
      ) : null}
    </div>
  );
}

/** The files chosen per material name, and each one's upload progress. */
export function useMaterialFiles() {
  const [files, setFiles] = useState<Record<string, File>>({});
  const [progress, setProgress] = useState<Record<string, number>>({});
  const choose = (name: string, file: File | undefined) =>
    setFiles((current) => {
      const next = { ...current };
      if (file) next[name] = file;
      else delete next[name];
      return next;
    });
  const report = (name: string) => (fraction: number) => setProgress((p) => ({ ...p, [name]: fraction }));
  return { files, progress, choose, report };
}
