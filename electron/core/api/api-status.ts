/** Where the local HTTP API is reachable, or why it is not (a port in use). */
export interface ApiState {
  url: string | null;
  error: {code: string; message: string} | null;
}

/**
 * The API's status for the UI (app.info, the status bar). One writer: startApi (start-api.ts), which
 * starts, restarts and stops the server; everyone else gets only `current`.
 */
export class ApiStatus {
  private state: ApiState = {url: null, error: null};

  current(): ApiState {
    return {...this.state};
  }

  set(state: ApiState): void {
    this.state = {...state};
  }
}
