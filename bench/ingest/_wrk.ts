/** The wrk script of ingest's benchmarks: the brief's example with a fresh user id per request. */
import { wrkScript } from "../suite/wrk.ts";

/**
 * {@link wrkScript} for `body`, with every `"user_789"` replaced by `"user_<n>"`, n counting up
 * per request (the wrk setting: a fresh user id each time, so keys and ids vary).
 */
export function freshUserScript(body: string, headers: Record<string, string>): string {
  const [head, ...tail] = body.split('"user_789"');
  const luaParts = [head!, ...tail].map((part) => JSON.stringify(part)).join(", ");
  return wrkScript(body, headers) + `
local parts = { ${luaParts} }
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, table.concat(parts, '"user_' .. n .. '"'))
end
`;
}
