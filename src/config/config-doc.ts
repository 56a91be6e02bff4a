import { configDefaults, configDocs } from './schema.js';

/** Renders docs/config.md from the schema's documentation table (a test keeps the file in sync). */
export function renderConfigDoc(): string {
  const defaults = configDefaults as Record<string, unknown>;
  const rows = Object.entries(configDocs).map(([key, { env, doc }]) => {
    const def = defaults[key] === undefined ? '—' : `\`${String(defaults[key])}\``;
    return `| \`${key}\` | \`${env}\` | ${def} | ${doc} |`;
  });
  return [
    '# Configuration',
    '',
    'Generated from `src/config/schema.ts` by `npm run docs:config`; do not edit by hand.',
    'Order of precedence: defaults, then environment variables, then command-line flags.',
    '',
    '| setting | environment variable | default | meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
