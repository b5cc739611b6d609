import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (user + system) consumed by the processes a benchmark involves, read from Linux's
 * /proc, so a report can say where the machine's time went (load generator, server, database,
 * Redis). Elsewhere, or when a process cannot be found, its figures are simply absent.
 */
export interface CpuSource {
  name: string;
  /** Milliseconds of CPU used so far, or null when unknown. */
  read(): number | null;
}

/** Linux's USER_HZ: clock ticks per second in /proc/<pid>/stat (100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

export function selfCpu(name: string): CpuSource {
  return {
    name,
    read: () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    },
  };
}

export function pidCpu(name: string, pid: number | undefined): CpuSource {
  return { name, read: () => (pid === undefined ? null : ticksOf(pid)) };
}

/** The first process whose command name is one of `commands` (e.g. mariadbd, mysqld). */
export function namedProcessCpu(name: string, commands: readonly string[]): CpuSource {
  return pidCpu(name, findPid(commands));
}

function findPid(commands: readonly string[]): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (commands.includes(comm)) return Number(entry);
    } catch {
      // The process ended while the list was read.
    }
  }
  return undefined;
}

function ticksOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime + stime) ? ((utime + stime) * 1000) / TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** CPU milliseconds each source used while `work` ran. */
export async function measureCpu<T>(sources: readonly CpuSource[], work: () => Promise<T>): Promise<{ result: T; cpuMs: Map<string, number | null> }> {
  const before = sources.map((s) => s.read());
  const result = await work();
  const cpuMs = new Map<string, number | null>();
  sources.forEach((s, i) => {
    const a = before[i];
    const b = s.read();
    cpuMs.set(s.name, a === null || a === undefined || b === null ? null : b - a);
  });
  return { result, cpuMs };
}
