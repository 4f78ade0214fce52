import { shell } from './measure.js';

export interface ImageResult {
  image: string;
  base: string;
  imageMB: number;
  baseMB: number;
  addedMB: number;
}

/** The image against its base: what atomic-link adds (sshfs, ssh client, fuse3, the bundle). */
export function benchImage(image: string, base: string): ImageResult {
  const size = (name: string) =>
    Number(shell(`docker image inspect ${name} --format '{{.Size}}'`).trim()) / 1e6;
  const imageMB = size(image);
  const baseMB = size(base);
  return { image, base, imageMB, baseMB, addedMB: imageMB - baseMB };
}
