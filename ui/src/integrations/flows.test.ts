import { describe, expect, it } from "vitest";
import { FlowTracker } from "./flows.svelte";
import { connection, flow } from "../test-fixtures";
import type { ConnectRequest } from "../bindings/ConnectRequest";

const request: ConnectRequest = { provider: "google", products: ["gmail"], method: "browser", redirect: null, connection: null, scopes: [] };
const waiting = { state: "waitingForBrowser", authorizeUrl: "https://accounts.example/authorize" } as const;

describe("FlowTracker", () => {
  it("follows a flow by its id and keeps the request that started it", () => {
    const flows = new FlowTracker();
    flows.started(flow(waiting), request);
    flows.received(flow({ state: "finishing" }));
    expect(flows.flowFor("google")?.update.state.state).toBe("finishing");
    expect(flows.flowFor("google")?.request).toEqual(request);
  });

  it("keeps an event that arrived before start_connect answered, since it is newer", () => {
    const flows = new FlowTracker();
    flows.received(flow({ state: "finishing" }));
    flows.started(flow(waiting), request);
    expect(flows.flowFor("google")?.update.state.state).toBe("finishing");
  });

  it("drops late events about a flow the person closed", () => {
    const flows = new FlowTracker();
    flows.started(flow(waiting), request);
    flows.close("google");
    flows.received(flow({ state: "failed", code: "ProviderRejected", message: "The sign-in was cancelled." }));
    expect(flows.flowFor("google")).toBeNull();
  });

  it("never lets another flow replace one still waiting on the person", () => {
    const flows = new FlowTracker();
    flows.started(flow(waiting), request);
    flows.received(flow({ state: "failed", code: "ProviderRejected", message: "old" }, { flowId: "flow-0" }));
    expect(flows.flowFor("google")?.update.flowId).toBe("flow-1");
  });

  it("goes back to idle when a flow is cancelled, and counts a connection as a change", () => {
    const flows = new FlowTracker();
    flows.started(flow(waiting), request);
    flows.received(flow({ state: "cancelled" }));
    expect(flows.flowFor("google")).toBeNull();
    flows.started(flow(waiting, { flowId: "flow-2" }), request);
    flows.received(flow({ state: "connected", connection: connection() }, { flowId: "flow-2" }));
    expect(flows.changes).toBe(1);
  });
});
