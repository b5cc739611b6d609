// Lint rules that keep the layers honest: the domain and the ports import no framework,
// the app layer talks to technology only through ports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const frameworks = ['ari-client', 'express', 'bullmq', 'ioredis', 'knex', 'mysql2', 'nodemailer', 'pino', 'pino-http', 'prom-client', 'ws', 'helmet', 'express-rate-limit', 'rate-limit-redis'];
const forbid = (names, patterns, message) => ({
  'no-restricted-imports': ['error', {
    paths: names.map((name) => ({ name, message })),
    patterns: patterns.map((group) => ({ group: [group], message })),
  }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', 'src/adapters/http/public/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: forbid(frameworks, ['**/adapters/**', '**/app/**', '**/ports/**', '**/config/**', '**/simulator/**', 'node:*'], 'the domain is pure: no frameworks, no I/O, no outer layers'),
  },
  {
    files: ['src/ports/**/*.ts'],
    rules: forbid(frameworks, ['**/adapters/**', '**/app/**', '**/config/**', '**/simulator/**'], 'ports are interfaces the app owns: no frameworks, no adapters'),
  },
  {
    files: ['src/app/**/*.ts'],
    rules: forbid(frameworks, ['**/adapters/**', '**/simulator/**', '**/main'], 'the app layer uses ports, never adapters or frameworks'),
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: forbid([], ['**/main', '**/simulator/**'], 'adapters do not reach into the composition root or the simulator'),
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
