/** Running a command to completion and keeping its output. */

/** Runs a command to completion, throwing with its output tail when it fails. */
export async function run(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string } = {},
): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    env: opts.env,
    cwd: opts.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output().catch((cause) => {
    throw new Error(`Cannot run "${cmd}": ${(cause as Error).message}`, { cause });
  });
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(`"${cmd} ${args.join(" ")}" exited with ${out.code}:\n${text.slice(-2000)}`);
  }
  return text;
}
