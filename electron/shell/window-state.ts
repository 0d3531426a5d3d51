/** Window size and position remembered between runs, kept on screen when displays change. */
export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized?: boolean;
}

export interface DisplayArea {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_BOUNDS: WindowBounds = {width: 1280, height: 800};
const MIN = {width: 720, height: 520};

/**
 * Restores saved bounds if at least part of the title bar lands on a current display; otherwise the
 * window opens centred (no position) at a size that fits the primary display.
 */
export function restoreBounds(saved: unknown, displays: DisplayArea[]): WindowBounds {
  const primary = displays[0] ?? {x: 0, y: 0, width: DEFAULT_BOUNDS.width, height: DEFAULT_BOUNDS.height};
  const fit = (b: WindowBounds): WindowBounds => ({
    ...b,
    width: Math.max(MIN.width, Math.min(b.width, primary.width)),
    height: Math.max(MIN.height, Math.min(b.height, primary.height)),
  });
  if (!saved || typeof saved !== "object") return fit(DEFAULT_BOUNDS);
  const s = saved as Partial<WindowBounds>;
  if (typeof s.width !== "number" || typeof s.height !== "number" || !(s.width > 0) || !(s.height > 0)) return fit(DEFAULT_BOUNDS);
  const bounds: WindowBounds = {width: s.width, height: s.height, maximized: s.maximized === true};
  if (typeof s.x === "number" && typeof s.y === "number") {
    const titleBar = {x: s.x + 40, y: s.y + 10};
    const visible = displays.some((d) => titleBar.x >= d.x && titleBar.x < d.x + d.width && titleBar.y >= d.y && titleBar.y < d.y + d.height);
    if (visible) return {...bounds, x: s.x, y: s.y};
  }
  return fit(bounds);
}
