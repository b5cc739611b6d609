import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { CenterConfigError, parseCenterConfig, type CenterConfig } from '../../domain/center-config';

/** Reads and validates the center configuration (YAML or JSON); a bad file is refused with every problem and its path. */
export function loadCenterConfig(path: string): CenterConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CenterConfigError([`(file): cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`]);
  }
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    throw new CenterConfigError([`(file): ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  return parseCenterConfig(doc);
}
