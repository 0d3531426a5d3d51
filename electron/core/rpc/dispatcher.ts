import {DesksideError, toErrorInfo} from "../../../shared/errors.js";
import {contract, type MethodInput, type MethodName, type MethodOutput, type RpcResponse} from "../../../shared/contract.js";
import type {ApiCaller} from "../../../shared/api-tokens.js";

export type Handler<M extends MethodName> = (input: MethodInput<M>, context: CallContext) => Promise<MethodOutput<M>> | MethodOutput<M>;
export type Handlers = {[M in MethodName]: Handler<M>};

export interface CallContext {
  /** Which transport made the call; some methods (file paths) only make sense in the desktop app. */
  transport: "ipc" | "http" | "test";
  /** Who called over HTTP (its API token's owner and scope); left out: this computer, the owner. */
  caller?: ApiCaller;
}

/** Validates every input against the contract before a handler sees it; errors leave as {code, message}. */
export class RpcDispatcher {
  constructor(
    private readonly handlers: Handlers,
    private readonly log: (error: unknown, method: string) => void = () => undefined,
  ) {}

  has(method: string): method is MethodName {
    return Object.hasOwn(contract, method);
  }

  async call<M extends MethodName>(method: M, input: unknown, context: CallContext = {transport: "test"}): Promise<MethodOutput<M>> {
    if (!this.has(method)) throw new DesksideError("UNKNOWN_METHOD", `There is no method called "${String(method)}".`);
    const parsed = contract[method].input.safeParse(input ?? undefined);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.map(String).join(".") || "input"}: ${i.message}`).join("; ");
      throw new DesksideError("INVALID_INPUT", `Invalid input for ${method}: ${issues}`);
    }
    const handler = this.handlers[method] as Handler<M>;
    return handler(parsed.data as MethodInput<M>, context);
  }

  /** Same as call, but never throws: the transport sends the result as is. */
  async respond(method: string, input: unknown, context: CallContext): Promise<RpcResponse<unknown>> {
    try {
      return {ok: true, result: await this.call(method as MethodName, input, context)};
    } catch (error) {
      const info = toErrorInfo(error);
      if (info.code === "INTERNAL") this.log(error, method);
      return {ok: false, error: info};
    }
  }
}
