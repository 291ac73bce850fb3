/** The baseline for the benchmark: a bare Deno.serve handler that parses JSON and answers JSON. */
const server = Deno.serve(
  { port: 0, hostname: "127.0.0.1", onListen: () => {} },
  async (request) => {
    const body = await request.json();
    return Response.json({ status: "ok", event_id: body.event_id ?? crypto.randomUUID() });
  },
);
console.error(JSON.stringify({ message: "Listening", port: server.addr.port }));
